// CSeccomp: typed wrappers around the parts of libseccomp that Swift cannot call.
//
// Why this shim exists: `seccomp_rule_add` is variadic, and the action and architecture
// constants (`SCMP_ACT_ERRNO(x)`, `SCMP_ARCH_X86_64`, ...) are function-like or composite
// macros; neither imports into Swift. Everything here is a fixed-signature function or a
// `static const`, prefixed `cseccomp_`/`CSECCOMP_`. The rest of libseccomp (init, arch, attr,
// merge, load, export, name resolution) is called directly from Swift through this header.
// One libc helper rides along: memfd_create (see below).
#ifndef CSECCOMP_H
#define CSECCOMP_H

#include <seccomp.h>
#include <stdint.h>

// Architecture tokens (AUDIT_ARCH_* values) of the architectures the filter covers.
static const uint32_t CSECCOMP_ARCH_X86_64 = SCMP_ARCH_X86_64;
static const uint32_t CSECCOMP_ARCH_X86 = SCMP_ARCH_X86;
static const uint32_t CSECCOMP_ARCH_X32 = SCMP_ARCH_X32;
static const uint32_t CSECCOMP_ARCH_AARCH64 = SCMP_ARCH_AARCH64;
static const uint32_t CSECCOMP_ARCH_ARM = SCMP_ARCH_ARM;

// The "allow" action, for SCMP_FLTATR_ACT_BADARCH.
static const uint32_t CSECCOMP_ACT_ALLOW = SCMP_ACT_ALLOW;

/// Creates a filter context whose default action is "allow": every syscall not matched by a
/// rule behaves as without the filter. Returns NULL when out of memory (no errno is given).
scmp_filter_ctx cseccomp_init_allow(void);

/// Adds a rule: syscall `nr` (native or pseudo number from seccomp_syscall_resolve_name)
/// returns 0 without reaching the kernel. Returns 0 or a negative errno.
int cseccomp_rule_fake_success(scmp_filter_ctx ctx, int nr);

/// Adds a rule: syscall `nr` returns 0 without reaching the kernel when its first argument,
/// as the kernel receives it, is below `limit`; other values reach the kernel.
/// Returns 0 or a negative errno.
int cseccomp_rule_fake_success_if_arg0_below(scmp_filter_ctx ctx, int nr, uint64_t limit);

/// An anonymous close-on-exec memory file for seccomp_export_pfc/bpf, or -1 with errno set.
/// (memfd_create is declared only under _GNU_SOURCE, which Swift's Glibc module does not set.)
int cseccomp_memfd(const char *name);

#endif
