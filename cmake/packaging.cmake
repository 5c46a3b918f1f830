# packaging.cmake — `cmake --install` layout and the .deb built by CPack (issue 7).
#
#   bin/allot
#   share/man/man1/allot.1.gz       generated from assets/help + assets/man
#   share/allot/help/*.md           the help pages (also compiled into the binary)
#   share/allot/demo/               the bundled demo data, when assets/demo exists
#   share/doc/allot/                README, the licence notices of bundled data
#
# `cpack -G DEB` in the build dir makes allot_VERSION_ARCH.deb; its Depends come
# from dpkg-shlibdeps on the installed binary (CPACK_DEBIAN_PACKAGE_SHLIBDEPS), so
# they follow the real shared libraries (libsqlite3, libcmark, libncursesw, ...).
include(GNUInstallDirs)

# bin/allot: installed by src/cli/CMakeLists.txt.
install(FILES ${ALLOT_MAN_PAGE_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ALLOT_HELP_PAGES} DESTINATION ${CMAKE_INSTALL_DATADIR}/allot/help)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Bundled data and its notices: whatever exists at configure time.  Re-run cmake
# after adding files under assets/demo.
if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/assets/demo)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/demo/ DESTINATION ${CMAKE_INSTALL_DATADIR}/allot/demo)
  file(GLOB ALLOT_NOTICES ${CMAKE_SOURCE_DIR}/assets/demo/NOTICE*
                          ${CMAKE_SOURCE_DIR}/assets/demo/LICENSE*
                          ${CMAKE_SOURCE_DIR}/assets/demo/COPYING*
                          ${CMAKE_SOURCE_DIR}/assets/demo/SOURCE*)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/assets/doc/NOTICE.md ${ALLOT_NOTICES}
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME allot)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "allot maintainers <allot@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keyboard-driven allocation of order lines to stock batches")
set(CPACK_PACKAGE_DESCRIPTION
    "allot is a terminal application for warehouse planners: it allocates order lines to
stock batches (in the warehouse, or arriving with an ETA), lets planners change
quantities and shipment dates, shows every consequence live, and offers what-if
sessions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/package)
include(CPack)
