/* linux.resources.devices. v1: one line per rule into devices.deny or
 * devices.allow, in order. v2: an eBPF program of type CGROUP_DEVICE,
 * written here instruction by instruction, that emulates the same list:
 * nothing is allowed by default, and the last rule that matches decides. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "nook/cleanup.h"

#define DEV "linux.resources.devices"

static bool any_type(const struct nook_device_cgroup *r)
{
	return r->type == NULL || strcmp(r->type, "a") == 0;
}

static bool any_major(const struct nook_device_cgroup *r)
{
	return !r->has_major || r->major < 0;
}

static bool any_minor(const struct nook_device_cgroup *r)
{
	return !r->has_minor || r->minor < 0;
}

int nook_cg_devices_v1(const char *dir, const struct nook_device_cgroup *r, size_t n,
                       struct nook_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char major[24] = "*", minor[24] = "*", cfg[64];
		if (!any_major(&r[i]))
			snprintf(major, sizeof(major), "%" PRId64, r[i].major);
		if (!any_minor(&r[i]))
			snprintf(minor, sizeof(minor), "%" PRId64, r[i].minor);
		snprintf(cfg, sizeof(cfg), DEV "[%zu]", i);
		if (nook_cg_writef(dir, r[i].allow ? "devices.allow" : "devices.deny", cfg, err,
		                   "%s %s:%s %s", any_type(&r[i]) ? "a" : r[i].type, major, minor,
		                   r[i].access != NULL ? r[i].access : "rwm") < 0)
			return -1;
	}
	return 0;
}

/* ---- the program ---- */

struct prog {
	struct bpf_insn *v;
	size_t n;
	bool oom;
};

static void emit(struct prog *p, struct bpf_insn insn)
{
	struct bpf_insn *v = realloc(p->v, (p->n + 1) * sizeof(*v));

	if (v == NULL) {
		p->oom = true;
		return;
	}
	p->v = v;
	p->v[p->n++] = insn;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

#define LDX_W(dst, off)   insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0)
#define MOV_REG(dst, src) insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm) /* off patched */
#define EXIT()            insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int access_bits(const char *access)
{
	int bits = 0;

	for (const char *a = access != NULL ? access : "rwm"; *a; a++)
		bits |= *a == 'r'   ? BPF_DEVCG_ACC_READ
		        : *a == 'w' ? BPF_DEVCG_ACC_WRITE
		        : *a == 'm' ? BPF_DEVCG_ACC_MKNOD
		                    : 0;
	return bits;
}

/* One rule: each condition jumps past the block when it does not hold.
 * Returns true when the rule has no condition (it matches everything). */
static bool emit_rule(struct prog *p, const struct nook_device_cgroup *r)
{
	const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
	int bits = access_bits(r->access);
	size_t start = p->n;

	if (!any_type(r))
		emit(p, JNE_IMM(BPF_REG_3,
		                r->type[0] == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
	if (bits != all) {
		emit(p, MOV_REG(BPF_REG_7, BPF_REG_4));
		emit(p, AND_IMM(BPF_REG_7, ~bits & all));
		emit(p, JNE_IMM(BPF_REG_7, 0));
	}
	if (!any_major(r))
		emit(p, JNE_IMM(BPF_REG_5, (int32_t)r->major));
	if (!any_minor(r))
		emit(p, JNE_IMM(BPF_REG_6, (int32_t)r->minor));
	bool unconditional = p->n == start;
	emit(p, MOV_IMM(BPF_REG_0, r->allow ? 1 : 0));
	emit(p, EXIT());
	if (p->oom)
		return unconditional;
	for (size_t i = start; i < p->n; i++)
		if (p->v[i].code == (BPF_JMP | BPF_JNE | BPF_K))
			p->v[i].off = (int16_t)(p->n - i - 1);
	return unconditional;
}

int nook_cg_devices_bpf_build(const struct nook_device_cgroup *r, size_t n, struct bpf_insn **insns,
                              size_t *n_insns)
{
	struct prog p = {0};
	bool done = false;

	/* r2 = access_type; r3 = device type (low 16 bits); r4 = access
	 * (high 16 bits); r5 = major; r6 = minor. */
	emit(&p, LDX_W(BPF_REG_2, 0));
	emit(&p, MOV_REG(BPF_REG_3, BPF_REG_2));
	emit(&p, AND_IMM(BPF_REG_3, 0xffff));
	emit(&p, MOV_REG(BPF_REG_4, BPF_REG_2));
	emit(&p, RSH_IMM(BPF_REG_4, 16));
	emit(&p, LDX_W(BPF_REG_5, 4));
	emit(&p, LDX_W(BPF_REG_6, 8));
	/* The last rule first: the first to match decides. Rules before an
	 * unconditional one can never decide (and the verifier refuses dead
	 * code), so they are left out. */
	for (size_t i = n; i-- > 0 && !done;)
		done = emit_rule(&p, &r[i]);
	if (!done) {
		emit(&p, MOV_IMM(BPF_REG_0, 0));
		emit(&p, EXIT());
	}
	if (p.oom) {
		free(p.v);
		return -1;
	}
	*insns = p.v;
	*n_insns = p.n;
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int nook_cg_devices_bpf_attach(const char *dir, const struct nook_device_cgroup *r, size_t n,
                               struct nook_error *err)
{
	autofree struct bpf_insn *insns = NULL;
	size_t n_insns;
	union bpf_attr attr;

	if (nook_cg_devices_bpf_build(r, n, &insns, &n_insns) < 0)
		return nook_fail(err, ENOMEM, DEV ": build the eBPF device filter");
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n_insns;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	autoclose int prog = bpf(BPF_PROG_LOAD, &attr);
	if (prog < 0)
		return nook_fail(err, errno, DEV ": load the eBPF device filter (%zu instructions)",
		                 n_insns);
	autoclose int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return nook_fail(err, errno, DEV ": open %s", dir);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/* no BPF_F_ALLOW_MULTI: a later `update` replaces the program */
	if (bpf(BPF_PROG_ATTACH, &attr) < 0)
		return nook_fail(err, errno, DEV ": attach the eBPF device filter to %s", dir);
	return 0;
}
