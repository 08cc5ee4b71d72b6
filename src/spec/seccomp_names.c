/* linux.seccomp's names (config-linux.md "Seccomp") with libseccomp's and
 * the kernel's numbers for them, in the spec's order: the parser
 * (src/spec/parse_seccomp.c) checks names against these tables, the filter
 * (src/linux/seccomp.c) takes its numbers from them and `nook features`
 * (src/container/features.c) lists them. Only header constants are used
 * here: no libseccomp call. */
#include <linux/seccomp.h>
#include <seccomp.h>

#include "nook/names.h"

static const struct nook_name_value actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct nook_name_value operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* Architectures newer than the libseccomp we are built with: token 0, so
 * the filter warns and skips them and `nook features` leaves them out. */
#ifdef SCMP_ARCH_LOONGARCH64
#define ARCH_LOONGARCH64 SCMP_ARCH_LOONGARCH64
#else
#define ARCH_LOONGARCH64 0
#endif
#ifdef SCMP_ARCH_M68K
#define ARCH_M68K SCMP_ARCH_M68K
#else
#define ARCH_M68K 0
#endif
#ifdef SCMP_ARCH_SH
#define ARCH_SH SCMP_ARCH_SH
#else
#define ARCH_SH 0
#endif
#ifdef SCMP_ARCH_SHEB
#define ARCH_SHEB SCMP_ARCH_SHEB
#else
#define ARCH_SHEB 0
#endif

static const struct nook_name_value archs[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_LOONGARCH64", ARCH_LOONGARCH64},
    {"SCMP_ARCH_M68K", ARCH_M68K},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_SH", ARCH_SH},
    {"SCMP_ARCH_SHEB", ARCH_SHEB},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

static const struct nook_name_value flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

const struct nook_names nook_seccomp_actions = NOOK_NAMES(actions);
const struct nook_names nook_seccomp_operators = NOOK_NAMES(operators);
const struct nook_names nook_seccomp_archs = NOOK_NAMES(archs);
const struct nook_names nook_seccomp_flags = NOOK_NAMES(flags);
