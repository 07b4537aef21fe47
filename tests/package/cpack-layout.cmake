# SPDX-License-Identifier: LGPL-2.1-or-later
# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the staged files of each package: the rpm puts the
# zsh completion where Fedora's and RHEL's zsh looks for it (site-functions); the deb keeps
# Debian's vendor-completions.
if(CPACK_GENERATOR STREQUAL "RPM")
  set(zsh "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/share/zsh")
  if(EXISTS "${zsh}/vendor-completions/_migcheck")
    file(MAKE_DIRECTORY "${zsh}/site-functions")
    file(RENAME "${zsh}/vendor-completions/_migcheck" "${zsh}/site-functions/_migcheck")
    file(REMOVE_RECURSE "${zsh}/vendor-completions")
  endif()
endif()
