/* Scope-bound cleanup for fds, heap memory and FILE streams:
 *
 *     autoclose int fd = open(...);
 *     autofree char *buf = malloc(n);
 *
 * A value handed on to someone else is taken out with nook_steal_fd() or
 * nook_steal_ptr(). */
#ifndef NOOK_CLEANUP_H
#define NOOK_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void nook_freep(void *p)
{
	free(*(void **)p);
}

static inline void nook_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void nook_fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

#define autofree   __attribute__((cleanup(nook_freep)))
#define autoclose  __attribute__((cleanup(nook_closep)))
#define autofclose __attribute__((cleanup(nook_fclosep)))

static inline int nook_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#define nook_steal_ptr(pp)                                                                         \
	({                                                                                         \
		__typeof__(*(pp)) nook_stolen_ = *(pp);                                            \
		*(pp) = NULL;                                                                      \
		nook_stolen_;                                                                      \
	})

#define NOOK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
