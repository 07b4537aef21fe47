# Fuzz targets of virt/ (included from tests/fuzz/CMakeLists.txt)
