# Unit tests of network/ (owned by the network work; included from tests/unit/CMakeLists.txt)
