# swift-pyxis: build, install and test.
#
#   make                      build everything in release mode (static Swift stdlib, stripped)
#   make SLURM_PREFIX=DIR     the same, with the plugin's front built for the Slurm release whose
#                             headers are in DIR/include/slurm (default: Debian's, /usr/include)
#   make check-slurm-headers  compile the C that includes Slurm's headers against 22.05 (Debian's)
#                             and the headers of 23.11, 24.11, 25.11 and 26.05 (seconds; needs `make`'s
#                             generated pyxis_options.h and ../shared/slurm's tarballs)
#   make man                  read spank_pyxis(8), the manual the packages install
#   make install              install under $(PREFIX) (default /usr/local), honouring DESTDIR
#   make uninstall            remove what `make install` put there
#   make deb                  a Debian package of what `make install` installs, for the Slurm
#                             it was built against (scripts/deb/build.sh; .build/deb/*.deb)
#   make rpm                  an RPM of the same, for Fedora/EL/SUSE (scripts/rpm/build.sh; .build/rpm/*.rpm)
#   make test                 shellcheck, unit tests, then integration tests on a one-node Slurm (root)
#   make lint                 shellcheck on every shell script and bats file
#   make test-enroot-release  the integration suites against enroot 4.1.2 instead of its main
#                             branch (reinstalls enroot from ../shared/enroot twice; root)
#   make test-slurm SLURM=V   the suites on upstream Slurm V (built from ../shared/slurm; root)
#   make bench                the benchmarks under bench/
#   make demo                 on a fresh Debian 12 machine (root): install what is needed, build,
#                             install, start a one-node cluster, run container steps as a user
#   make demo-down            stop what `make demo` started

PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
LIBEXECDIR ?= $(PREFIX)/libexec
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
# Where Slurm finds plugins named without a path; Debian's slurm-wlm uses $(LIBDIR)/slurm-wlm.
SLURM_PLUGINDIR ?= $(LIBDIR)/slurm
DATADIR ?= $(PREFIX)/share
SWIFT ?= swift
# The plugin runs inside srun/slurmstepd on nodes without a Swift toolchain: link the Swift
# standard library statically into everything we ship.
# libstdc++ (which the Swift runtime needs) is linked statically too: loading libstdc++.so
# costs srun and every hook about 0.4 ms. swiftc always asks for -lstdc++, so a linker script
# named libstdc++.so, found first, points the linker at the archive.
# libgcc too (its unwinder, for libstdc++ and the Swift runtime): libgcc_s.so, which srun does not
# load otherwise, runs a constructor full of cpuid instructions that trap in a VM (≈ 0.12 ms).
STDCXX_DIR := $(CURDIR)/.build/static-libstdc++
SWIFT_BUILD_FLAGS ?= -c release -Xswiftc -static-stdlib -Xlinker -L$(STDCXX_DIR) \
	-Xswiftc -Xclang-linker -Xswiftc -static-libgcc
STRIP ?= strip
PATCHELF ?= patchelf

# pyxis-tools (the hooks, pyxis-seccomp-exec, pyxis-image-cache) is a fully static executable: a
# hook starts within 0.5 ms of /bin/true, against 0.9 ms linked dynamically (bench/README.md). Built
# separately so that -static-executable does not reach the plugin.
TOOLS_BUILD_FLAGS ?= -c release --disable-local-rpath -Xswiftc -static-executable -Xlinker --gc-sections
TOOLS_SCRATCH := .build-hooks-release

# The plugin Slurm loads is a small C front; it loads the Swift core ($(STAGE)/pyxis/, installed
# as $(SLURM_PLUGINDIR)/pyxis/) only in processes that need it (docs/design.md, "The front").
FRONT_CFLAGS ?= -O2 -fPIC -shared -Wall -Wextra -Werror
FRONT_LDFLAGS ?= -Wl,--version-script=Sources/PyxisFront/exports.map -Wl,-z,nodelete -Wl,-z,now -ldl
GENERATED := .build/generated

# Slurm releases. Slurm loads a SPANK plugin only if its plugin_version (the SLURM_VERSION_NUMBER
# of the headers it was compiled with) has Slurm's major.minor, so the C front, spank_pyxis.so, is
# built per release: against SLURM_PREFIX/include/slurm, an installed Slurm (/opt/slurm/26.05.3)
# or the headers alone (scripts/slurm-headers.sh 26.05.3 .build/slurm-headers/26.05.3, then
# SLURM_PREFIX=.build/slurm-headers/26.05.3). That is all that differs between releases: the
# Swift core's shim (CSpank) includes spank.h for declarations that are the same from 22.05 to
# 26.05 (struct spank_option, the spank_item and ESPANK_* values, the spank_* and slurm_*
# functions; the releases only add spank_prepend_task_argv in 23.11 and
# slurm_spank_init_failure_mode in 25.11, which pyxis does not use), so the core, the hooks and
# the commands are built once for every release; pyxis-doctor reads the release from the installed
# spank_pyxis.so. `make check-slurm-headers` compiles the front and the shim against all five.
SLURM_PREFIX ?= /usr
SLURM_INCLUDE ?= $(SLURM_PREFIX)/include
SLURM_CPPFLAGS := $(if $(filter /usr/include /usr/include/,$(SLURM_INCLUDE)),,-I$(SLURM_INCLUDE))
# The core is compiled against the system's spank.h (libslurm-dev), or SLURM_PREFIX's without one.
ifeq ($(wildcard /usr/include/slurm/spank.h),)
SWIFT_BUILD_FLAGS += -Xcc -I$(abspath $(SLURM_INCLUDE))
endif
SLURM_CHECK_RELEASES ?= system 23.11.11 24.11.7 25.11.7 26.05.3

RELEASE_DIR := .build/release
STAGE := .build/stage
# The tools pyxis-tools runs as, one per line with a hook's hooks.d drop-in after it, as
# `pyxis-tools --list` prints them from the one list in the source (Sources/pyxis-tools/Tool.swift).
TOOLS_LIST := $(STAGE)/tools.list
# 98-nvidia and 99-mellanox hand over to enroot's own scripts when there are devices to set up:
# `make install` copies them from here into $(LIBEXECDIR)/pyxis/enroot-hooks/ (docs/hooks.md).
ENROOT_HOOKS_DIR ?= /etc/enroot/hooks.d
HANDED_OVER_HOOKS := 98-nvidia.sh 99-mellanox.sh
# Commands for administrators, installed in SBINDIR. pyxis-doctor is its own executable, linked
# dynamically: it looks users up through NSS (sssd, LDAP), which a static executable cannot do
# safely.
ADMIN_COMMANDS := pyxis-doctor

.PHONY: man all build front test-slurm check-slurm-headers install uninstall deb test lint unit-test integration-test package-test test-enroot-release bench demo demo-down clean

all: build

build: $(STDCXX_DIR)/libstdc++.so
	@# SLURM_PREFIX=.build/slurm-headers/VERSION: made from the release's tarball if need be.
	@test -f $(SLURM_INCLUDE)/slurm/spank.h || case "$(SLURM_PREFIX)" in \
		.build/slurm-headers/*) bash scripts/slurm-headers.sh $(notdir $(patsubst %/,%,$(SLURM_PREFIX))) $(SLURM_PREFIX) ;; \
		*) echo "make: no $(SLURM_INCLUDE)/slurm/spank.h: SLURM_PREFIX names a directory with include/slurm (scripts/slurm-headers.sh VERSION DIR makes one)" >&2; exit 1 ;; \
	esac
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product spank_pyxis_core
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product pyxis-option-table
	@for exe in $(ADMIN_COMMANDS); do $(SWIFT) build $(SWIFT_BUILD_FLAGS) --product $$exe || exit 1; done
	@# The link warnings name glibc's NSS functions the linked libraries could call; the tools
	@# never do (they look nothing up by name).
	@$(SWIFT) build $(TOOLS_BUILD_FLAGS) --scratch-path $(TOOLS_SCRATCH) --product pyxis-tools 2>&1 \
		| grep -v "statically linked applications requires at runtime\|use of .mktemp. is dangerous" || true
	@test -x $(TOOLS_SCRATCH)/release/pyxis-tools
	@mkdir -p $(STAGE)/pyxis $(GENERATED)
	$(RELEASE_DIR)/pyxis-option-table > $(GENERATED)/pyxis_options.h
	@$(SUBMAKE) front
	$(STRIP) --strip-unneeded -o $(STAGE)/pyxis/spank_pyxis_core.so $(RELEASE_DIR)/libspank_pyxis_core.so
	@for exe in $(ADMIN_COMMANDS); do $(STRIP) -o $(STAGE)/$$exe $(RELEASE_DIR)/$$exe || exit 1; done
	$(STRIP) -o $(STAGE)/pyxis-tools $(TOOLS_SCRATCH)/release/pyxis-tools
	@# Each tool a link beside the executable; each hook's drop-in a link to it in hooks.d/.
	@$(STAGE)/pyxis-tools --list > $(TOOLS_LIST)
	@rm -rf $(STAGE)/hooks.d && mkdir -p $(STAGE)/hooks.d
	@while read -r tool dropin; do \
		ln -sfn pyxis-tools $(STAGE)/$$tool || exit 1; \
		if [ -n "$$dropin" ]; then ln -sfn ../$$tool $(STAGE)/hooks.d/$$dropin || exit 1; fi; \
	done < $(TOOLS_LIST)
	@# SwiftPM links with RUNPATH=$$ORIGIN: the loader would look for libc in our install
	@# directories first (a hazard for a plugin loaded by root, and wasted syscalls).
	cd $(STAGE) && $(PATCHELF) --remove-rpath pyxis/spank_pyxis_core.so $(ADMIN_COMMANDS)

# spank_pyxis(8), as the packages install it, printed from the option catalog (after `make build`).
man:
	@test -x $(RELEASE_DIR)/pyxis-option-table || $(SUBMAKE) build
	$(RELEASE_DIR)/pyxis-option-table --man $$(date -u +%F) | man -l -

# The front alone, for SLURM_PREFIX's release (after a `make build`: it needs the generated table).
front:
	$(CC) $(FRONT_CFLAGS) -I$(GENERATED) -ISources/PlugstackCheck/include $(SLURM_CPPFLAGS) -o $(STAGE)/spank_pyxis.so \
		Sources/PyxisFront/front.c Sources/PlugstackCheck/plugstack_check.c $(FRONT_LDFLAGS)
	$(STRIP) --strip-unneeded $(STAGE)/spank_pyxis.so

# make test-slurm SLURM=26.05.3: that release built under /opt/slurm/$(SLURM) (../shared/slurm;
# kept when there), the front built for it, the suites (SUITES=..., default all) run on its
# daemons and clients, then the front for Debian's Slurm again. PYXIS_TEST_MAX_NODES and
# PYXIS_TEST_SQUASHFUSE narrow the run as for Tests/Integration/run.sh.
SLURM ?= 26.05.3
SUITES ?=
test-slurm:
	@test -f $(GENERATED)/pyxis_options.h || $(SUBMAKE) build
	bash ../shared/slurm/install.sh $(SLURM)
	$(SUBMAKE) front SLURM_PREFIX=/opt/slurm/$(SLURM)
	SLURM_PREFIX=/opt/slurm/$(SLURM) bash Tests/Integration/run.sh $(SUITES); status=$$?; \
		$(SUBMAKE) front; exit $$status

# One line per release (`system` is /usr/include); scripts/slurm-check-headers.sh says what it compiles.
check-slurm-headers:
	@CC="$(CC)" CFLAGS="$(filter-out -shared,$(FRONT_CFLAGS))" PYXIS_GENERATED=$(GENERATED) \
		SLURM_HEADERS_DIR=.build/slurm-headers bash scripts/slurm-check-headers.sh $(SLURM_CHECK_RELEASES)

$(STDCXX_DIR)/libstdc++.so:
	@mkdir -p $(STDCXX_DIR)
	echo "INPUT($$($${CXX:-g++} -print-file-name=libstdc++.a))" > $@

install:
	@test -f $(STAGE)/spank_pyxis.so || { echo "make install: run make first" >&2; exit 1; }
	install -d $(DESTDIR)$(SLURM_PLUGINDIR)/pyxis $(DESTDIR)$(LIBEXECDIR)/pyxis $(DESTDIR)$(DATADIR)/pyxis/hooks.d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR)
	install -m 0755 $(STAGE)/spank_pyxis.so $(DESTDIR)$(SLURM_PLUGINDIR)/spank_pyxis.so
	install -m 0755 $(STAGE)/pyxis/spank_pyxis_core.so $(DESTDIR)$(SLURM_PLUGINDIR)/pyxis/spank_pyxis_core.so
	install -m 0755 $(STAGE)/pyxis-tools $(DESTDIR)$(LIBEXECDIR)/pyxis/pyxis-tools
	@for exe in $(ADMIN_COMMANDS); do install -m 0755 $(STAGE)/$$exe $(DESTDIR)$(SBINDIR)/$$exe || exit 1; done
	@# The core runs pyxis-image-cache from beside itself (wherever LIBEXECDIR is); users from PATH.
	ln -sfn $(LIBEXECDIR)/pyxis/pyxis-image-cache $(DESTDIR)$(SLURM_PLUGINDIR)/pyxis/pyxis-image-cache
	ln -sfn $(LIBEXECDIR)/pyxis/pyxis-image-cache $(DESTDIR)$(BINDIR)/pyxis-image-cache
	@# Each tool a link to pyxis-tools beside it; each drop-in, named like enroot's own hook, a link
	@# to its hook's final location (whatever LIBEXECDIR is), so enroot runs it without a shell.
	@while read -r tool dropin; do \
		ln -sfn pyxis-tools $(DESTDIR)$(LIBEXECDIR)/pyxis/$$tool || exit 1; \
		if [ -n "$$dropin" ]; then ln -sfn $(LIBEXECDIR)/pyxis/$$tool $(DESTDIR)$(DATADIR)/pyxis/hooks.d/$$dropin || exit 1; fi; \
	done < $(TOOLS_LIST)
	@# Copies of enroot's scripts for the hand-over, never our own links if a site already
	@# replaced enroot's files with them.
	@install -d $(DESTDIR)$(LIBEXECDIR)/pyxis/enroot-hooks
	@for hook in $(HANDED_OVER_HOOKS); do \
		if [ -f $(ENROOT_HOOKS_DIR)/$$hook ] && [ ! -L $(ENROOT_HOOKS_DIR)/$$hook ]; then \
			install -m 0755 $(ENROOT_HOOKS_DIR)/$$hook $(DESTDIR)$(LIBEXECDIR)/pyxis/enroot-hooks/$$hook || exit 1; \
		else \
			echo "make install: no enroot $$hook in $(ENROOT_HOOKS_DIR) (set ENROOT_HOOKS_DIR); our $$hook will refuse to start containers that ask for devices" >&2; \
		fi; \
	done
	echo "required $(SLURM_PLUGINDIR)/spank_pyxis.so" > $(DESTDIR)$(DATADIR)/pyxis/pyxis.conf
	chmod 0644 $(DESTDIR)$(DATADIR)/pyxis/pyxis.conf

uninstall:
	rm -f $(DESTDIR)$(SLURM_PLUGINDIR)/spank_pyxis.so $(DESTDIR)$(SLURM_PLUGINDIR)/pyxis/spank_pyxis_core.so
	rm -f $(DESTDIR)$(SLURM_PLUGINDIR)/pyxis/pyxis-image-cache $(DESTDIR)$(BINDIR)/pyxis-image-cache
	rm -f $(DESTDIR)$(DATADIR)/pyxis/pyxis.conf
	@test -f $(TOOLS_LIST) || { echo "make uninstall: no $(TOOLS_LIST): run make first" >&2; exit 1; }
	@while read -r tool dropin; do \
		rm -f $(DESTDIR)$(LIBEXECDIR)/pyxis/$$tool; \
		if [ -n "$$dropin" ]; then rm -f $(DESTDIR)$(DATADIR)/pyxis/hooks.d/$$dropin; fi; \
	done < $(TOOLS_LIST)
	rm -f $(DESTDIR)$(LIBEXECDIR)/pyxis/pyxis-tools
	@for exe in $(ADMIN_COMMANDS); do rm -f $(DESTDIR)$(SBINDIR)/$$exe; done
	@for hook in $(HANDED_OVER_HOOKS); do rm -f $(DESTDIR)$(LIBEXECDIR)/pyxis/enroot-hooks/$$hook; done
	-rmdir $(DESTDIR)$(LIBEXECDIR)/pyxis/enroot-hooks 2>/dev/null
	-rmdir $(DESTDIR)$(SLURM_PLUGINDIR)/pyxis $(DESTDIR)$(LIBEXECDIR)/pyxis $(DESTDIR)$(DATADIR)/pyxis/hooks.d $(DESTDIR)$(DATADIR)/pyxis 2>/dev/null

# The package installs what `make install` installs with Debian's directories (PREFIX=/usr,
# Slurm's plugin directory), plus the plugstack line as a conffile, and depends on the Slurm
# release the built plugin is for: Debian's slurm-wlm-basic-plugins when the build used Debian's
# headers, SchedMD's slurm-smd for any other SLURM_PREFIX (DEB_SLURM_FLAVOUR=debian|smd says
# which); DEB_SLURM_PIN=series lets it follow Slurm within its major.minor release instead of
# one exact version (scripts/deb/build.sh).
deb: build
	SLURM_INCLUDE="$(SLURM_INCLUDE)" bash scripts/deb/build.sh

# The same as an RPM for Fedora, EL and SUSE (/usr/lib64/slurm; Requires: slurm of the plugin's
# release, RPM_SLURM_PIN=exact|series), built with rpmbuild (Debian: apt-get install rpm) into
# .build/rpm (scripts/rpm/build.sh, scripts/rpm/README).
.PHONY: rpm
rpm: build
	bash scripts/rpm/build.sh

# Each stage's time goes to $(PYXIS_STAGE_TIMES) when it names a file (scripts/timed.sh), for
# .ci/run's table; a stage that fails stops the run.
TIMED := bash scripts/timed.sh
SUBMAKE := $(MAKE) --no-print-directory
test:
	$(TIMED) lint $(SUBMAKE) lint
	$(TIMED) build $(SUBMAKE) build
	@if [ -d ../shared/slurm ]; then $(TIMED) slurm-headers $(SUBMAKE) check-slurm-headers; \
	else echo "make test: no check against other Slurm releases' headers (it needs their tarballs in ../shared/slurm)"; fi
	$(TIMED) unit-test $(SUBMAKE) unit-test
	$(TIMED) integration-test $(SUBMAKE) integration-test
	@# Slurm 26.05, the newest release, from ../shared/slurm: the one-node suites, one start mode.
	@if [ -f ../shared/slurm/install.sh ]; then \
		PYXIS_TEST_MAX_NODES=1 PYXIS_TEST_SQUASHFUSE=auto $(TIMED) slurm-26.05 $(SUBMAKE) test-slurm SLURM=26.05.3; \
	else echo "make test: no pass on Slurm 26.05 (it needs ../shared/slurm/install.sh)"; fi
	$(TIMED) package-test $(SUBMAKE) package-test

# shellcheck on every shell script and bats file (scripts/lint.sh).
lint:
	bash scripts/lint.sh

unit-test:
	$(SWIFT) test

# The container suites run on enroot's main branch, then the one-node suites again on its 4.1.2
# release when enroot came from ../shared/enroot (which can install either; what differs
# between the two is not multi-node); elsewhere on the enroot in PATH only.
integration-test:
	$(TIMED) fuzz-hostlist scripts/fuzz-hostlist 30
	PYXIS_SECCOMP_EXEC=$(CURDIR)/$(STAGE)/pyxis-seccomp-exec $(TIMED) seccomp bash Tests/Integration/seccomp/run.sh
	$(TIMED) suites bash Tests/Integration/run.sh
	@# enroot's standard hooks against ours (no Slurm; the images the suites above cached).
	PYXIS_HOOKS_BIN=$(CURDIR)/$(STAGE) $(TIMED) hooks-parity bash Tests/Integration/hooks-parity/run.sh
	@if [ -f ../shared/enroot/install.sh ] && [ -f /usr/lib/enroot/.installed-from ]; then \
		echo "# the one-node suites on enroot 4.1.2"; PYXIS_TEST_MAX_NODES=1 $(TIMED) enroot-4.1.2 bash Tests/Integration/enroot-release.sh; \
	else \
		echo "make test: no enroot 4.1.2 pass (it needs ../shared/enroot/install.sh and an enroot installed by it)"; \
	fi

# The Debian package: built, checked in an empty root, installed with dpkg -i, the suites run
# against what it installed, then purged (Tests/Package/ci.sh; root, dpkg-dev, lintian). One
# start mode (use_squashfuse=auto): the main pass runs both; this one is about the installed files
# and our hooks, which every start runs alike.
package-test:
	@if command -v dpkg-deb >/dev/null && command -v lintian >/dev/null; then \
		PYXIS_TEST_SQUASHFUSE=$${PYXIS_TEST_SQUASHFUSE:-auto} bash Tests/Package/ci.sh; \
	else \
		echo "make test: no package pass (it needs dpkg-dev and lintian)"; \
	fi

test-enroot-release: build
	bash Tests/Integration/enroot-release.sh

bench: build
	bash bench/srun-overhead.sh
	PYXIS_SECCOMP_EXEC=$(CURDIR)/$(STAGE)/pyxis-seccomp-exec bash bench/seccomp/run.sh
	bash bench/hooks
	bash bench/lifecycle.sh --up
	bash bench/nodes.sh
	bash bench/cache.sh

demo:
	bash scripts/demo.sh up

demo-down:
	bash scripts/demo.sh down

clean:
	rm -rf .build $(TOOLS_SCRATCH) .build-fuzz
