# Unit tests of storage/ (owned by the storage work; included from tests/unit/CMakeLists.txt)
