# Conan 2 recipe of isv-licensing, a header-only C++20 library; it follows conan-center-index's
# header-only conventions. From the repository: conan create . [-o "isv-licensing/*:with_sqlite=True"]
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir
from conan.tools.scm import Version

required_conan_version = ">=2.0"


class IsvLicensingConan(ConanFile):
    name = "isv-licensing"
    description = "Licenses and subscriptions for third-party apps in a tenant: a pure C++20 domain core"
    license = "MIT"
    url = "https://github.com/conan-io/conan-center-index"
    homepage = "https://example.invalid/isv-licensing"
    topics = ("licensing", "subscriptions", "saas", "domain-model", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "with_sqlite": [True, False],
        "with_postgres": [True, False],
        "with_json": [True, False],
        "with_signing": [True, False],
    }
    default_options = {
        "with_sqlite": False,
        "with_postgres": False,
        "with_json": False,
        "with_signing": False,
    }
    no_copy_source = True

    # Each optional component: its option, and the CMake package its backend provides.
    _components = {
        "sqlite": ("with_sqlite", "SQLite3"),
        "postgres": ("with_postgres", "PostgreSQL"),
        "json": ("with_json", "nlohmann_json"),
        "signing": ("with_signing", "libsodium"),
    }

    @property
    def _min_cppstd(self):
        return 20

    @property
    def _compilers_minimum_version(self):
        # Concepts, defaulted comparisons and <chrono> calendar types.
        return {
            "gcc": "11",
            "clang": "14",
            "apple-clang": "14",
            "msvc": "193",
        }

    def set_version(self):
        # project(VERSION) in CMakeLists.txt is the one place the version is written.
        cmakelists = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
        match = re.search(r"project\(\s*isv-licensing\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)", cmakelists)
        if not match:
            raise ConanInvalidConfiguration("CMakeLists.txt declares no project(isv-licensing VERSION x.y.z)")
        self.version = self.version or match.group(1)

    def export_sources(self):
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*"):
            copy(self, pattern, self.recipe_folder, self.export_sources_folder)

    def layout(self):
        cmake_layout(self, src_folder=".")

    def requirements(self):
        # Public headers include Boost.Outcome, SQLite, libpq, nlohmann/json and libsodium headers.
        self.requires("boost/1.81.0", transitive_headers=True)
        if self.options.with_sqlite:
            self.requires("sqlite3/3.44.2", transitive_headers=True, transitive_libs=True)
        if self.options.with_postgres:
            self.requires("libpq/15.4", transitive_headers=True, transitive_libs=True)
        if self.options.with_json:
            self.requires("nlohmann_json/3.11.2", transitive_headers=True)
        if self.options.with_signing:
            # The range conan-center-index's own recipes use for libsodium, which keeps one version.
            self.requires("libsodium/[~1.0.20]", transitive_headers=True, transitive_libs=True)

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, self._min_cppstd)
        minimum_version = self._compilers_minimum_version.get(str(self.settings.compiler), False)
        if minimum_version and Version(self.settings.compiler.version) < minimum_version:
            raise ConanInvalidConfiguration(
                f"{self.ref} requires C++{self._min_cppstd}, which your compiler does not support."
            )

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["ISV_LICENSING_BUILD_TESTS"] = False
        tc.cache_variables["ISV_LICENSING_BUILD_EXAMPLES"] = False
        tc.cache_variables["ISV_LICENSING_BUILD_BENCHMARKS"] = False
        tc.cache_variables["ISV_LICENSING_INSTALL"] = True
        # A component left out is not even looked for, so no system library sneaks into the package;
        # one asked for must be configured, or the build fails.
        wanted = []
        for component, (option, cmake_package) in self._components.items():
            enabled = bool(self.options.get_safe(option))
            tc.cache_variables[f"CMAKE_DISABLE_FIND_PACKAGE_{cmake_package}"] = not enabled
            if enabled:
                wanted.append(component)
        tc.cache_variables["ISV_LICENSING_INSTALL_COMPONENTS"] = ",".join(wanted)
        tc.generate()
        deps = CMakeDeps(self)
        deps.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # CMakeDeps and PkgConfigDeps generate the consumers' files from package_info().
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        # The same names as the CMake package the library installs: isv::licensing and isv::<component>.
        self.cpp_info.set_property("cmake_file_name", "isv-licensing")
        self.cpp_info.set_property("pkg_config_name", "isv-licensing")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        core = self.cpp_info.components["licensing"]
        core.set_property("cmake_target_name", "isv::licensing")
        core.set_property("pkg_config_name", "isv-licensing-core")
        core.requires = ["boost::headers"]
        core.bindirs = []
        core.libdirs = []

        backends = {
            "sqlite": "sqlite3::sqlite3",
            "postgres": "libpq::libpq",
            "json": "nlohmann_json::nlohmann_json",
            "signing": "libsodium::libsodium",
        }
        for component, (option, _) in self._components.items():
            if not self.options.get_safe(option):
                continue
            info = self.cpp_info.components[component]
            info.set_property("cmake_target_name", f"isv::{component}")
            info.set_property("pkg_config_name", f"isv-licensing-{component}")
            info.requires = ["licensing", backends[component]]
            info.bindirs = []
            info.libdirs = []
