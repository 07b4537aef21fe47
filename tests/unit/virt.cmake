# Unit tests of virt/ (owned by the virt work; included from tests/unit/CMakeLists.txt)
