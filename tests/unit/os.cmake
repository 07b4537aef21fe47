# Unit tests of os/ (owned by the os work; included from tests/unit/CMakeLists.txt)
