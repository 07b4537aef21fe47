# Fuzz targets of remote/ (included from tests/fuzz/CMakeLists.txt)
