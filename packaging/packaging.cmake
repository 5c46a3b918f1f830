# packaging.cmake — `cmake --install` layout and the .deb built by CPack (issues 7,
# 16), included by the top-level CMakeLists.txt.
#
#   bin/allot
#   share/man/man1/allot.1.gz       generated from assets/help + assets/man
#   share/allot/help/*.md           the help pages (also compiled into the binary)
#   share/allot/demo/               the bundled demo data, when assets/demo exists
#   share/doc/allot/                README, docs/operate.md, the licence notices
#
# and, component "service" (in the .deb; `cmake --install build --component
# service` for a system install by hand), `allot serve` as a systemd service:
#
#   /usr/lib/systemd/system/allot-serve.service   the unit (packaging/allot-serve.service)
#   /usr/lib/sysusers.d/allot.conf                its user, allot
#   /etc/default/allot                            its settings (a conffile)
#
# The .deb's maintainer scripts (packaging/debian/) create the user and the state
# directory /var/lib/allot; the unit is installed disabled.
#
# `cpack -G DEB` in the build dir makes allot_VERSION_ARCH.deb; its Depends come
# from dpkg-shlibdeps on the installed binary (CPACK_DEBIAN_PACKAGE_SHLIBDEPS), so
# they follow the real shared libraries (libsqlite3, libcmark, libncursesw, ...).
include(GNUInstallDirs)
set(ALLOT_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})

# bin/allot: installed by src/cli/CMakeLists.txt.
install(FILES ${ALLOT_MAN_PAGE_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ALLOT_HELP_PAGES} DESTINATION ${CMAKE_INSTALL_DATADIR}/allot/help)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/operate.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

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

# The service: only when asked for (absolute paths under /etc would fail a plain
# `cmake --install --prefix ~/.local`), always in the .deb.
install(FILES ${ALLOT_PACKAGING_DIR}/allot-serve.service DESTINATION lib/systemd/system
        COMPONENT service EXCLUDE_FROM_ALL)
install(FILES ${ALLOT_PACKAGING_DIR}/allot.sysusers DESTINATION lib/sysusers.d RENAME allot.conf
        COMPONENT service EXCLUDE_FROM_ALL)
install(FILES ${ALLOT_PACKAGING_DIR}/allot.default DESTINATION /etc/default RENAME allot
        COMPONENT service EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
# One package of every component (the program and its service).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified service)
set(CPACK_PACKAGE_NAME allot)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "allot maintainers <allot@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keyboard-driven allocation of order lines to stock batches")
set(CPACK_PACKAGE_DESCRIPTION
    "allot is a terminal application for warehouse planners: it allocates order lines to
stock batches (in the warehouse, or arriving with an ETA), lets planners change
quantities and shipment dates, shows every consequence live, and offers what-if
sessions. allot serve puts the same service on the network (HTTP, Redis); the
package runs it as the systemd service allot-serve.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The postinst makes the user with systemd-sysusers, else adduser.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd | adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${ALLOT_PACKAGING_DIR}/debian/postinst
    ${ALLOT_PACKAGING_DIR}/debian/prerm ${ALLOT_PACKAGING_DIR}/debian/postrm
    ${ALLOT_PACKAGING_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/package)
include(CPack)
