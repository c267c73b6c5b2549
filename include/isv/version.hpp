// The library's version, kept equal to project(VERSION) in CMakeLists.txt by a test.
#pragma once

#define ISV_LICENSING_VERSION_MAJOR 0
#define ISV_LICENSING_VERSION_MINOR 2
#define ISV_LICENSING_VERSION_PATCH 0
#define ISV_LICENSING_VERSION_STRING "0.2.0"
