# The dependency rule of docs/architecture.md as a build error:
#  - src/platform/** never includes src/modules/** or src/app/**
#  - src/modules/<m>/model.h includes only standard headers (and other model.h files)
#  - a module includes another module only through its service.h or model.h
add_custom_target(kefu_layers ALL
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -P ${CMAKE_SOURCE_DIR}/cmake/check_layers.cmake
  COMMENT "Checking the layering rule"
  VERBATIM)
