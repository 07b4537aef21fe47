# Fuzz targets of storage/ (included from tests/fuzz/CMakeLists.txt)
