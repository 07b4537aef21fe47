# Fuzz targets of os/ (included from tests/fuzz/CMakeLists.txt)
