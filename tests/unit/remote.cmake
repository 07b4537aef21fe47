# Unit tests of remote/ (owned by the remote work; included from tests/unit/CMakeLists.txt)
