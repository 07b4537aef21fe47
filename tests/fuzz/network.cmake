# Fuzz targets of network/ (included from tests/fuzz/CMakeLists.txt)
