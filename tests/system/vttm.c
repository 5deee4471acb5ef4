// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define SYS_DRM "/sys/class/drm"

/*
 * Fills and verifies go through these buffers, a chunk at a time, so that
 * a test process's own memory does not grow with the buffer objects.
 */
#define CHUNK (256 * KiB)
static uint64_t wbuf[CHUNK / 8], rbuf[CHUNK / 8];

/* The card node of vttm, found by vttm_load(). */
static char vttm_node[512];

/* Retry as libdrm's drmIoctl() does; return 0 or errno. */
static int vttm_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? errno : 0;
}

/* Whether the DRM device at NODE is vttm's, by the name of its driver. */
static bool vttm_is_vttm(const char *node)
{
	char name[64] = "";
	struct drm_version v = { .name_len = sizeof(name) - 1, .name = name };
	int fd = open(node, O_RDWR | O_CLOEXEC);
	bool ret;

	if (fd < 0)
		st_fail("open %s: %s", node, strerror(errno));
	ret = !vttm_ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vttm");
	close(fd);
	return ret;
}

/*
 * A device node for /sys/class/drm/CARD in NODE: /dev/dri/CARD when devtmpfs
 * has made it already, else one of our own in $TMPDIR.
 */
static void vttm_card_node(const char *card, char *node, size_t len)
{
	unsigned int major, minor;
	const char *tmp = getenv("TMPDIR");
	char path[512];
	struct stat st;
	dev_t dev;
	FILE *f;

	snprintf(path, sizeof(path), SYS_DRM "/%s/dev", card);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%u:%u", &major, &minor) != 2)
		st_fail("cannot read %s", path);
	fclose(f);
	dev = makedev(major, minor);

	snprintf(node, len, "/dev/dri/%s", card);
	if (!stat(node, &st) && S_ISCHR(st.st_mode) && st.st_rdev == dev)
		return;
	snprintf(node, len, "%s/vttm-%s", tmp ? tmp : "/tmp", card);
	unlink(node);
	if (mknod(node, S_IFCHR | 0600, dev))
		st_fail("mknod %s: %s", node, strerror(errno));
}

void vttm_load(void)
{
	struct dirent *e;
	DIR *d;

	if (!st_module_loaded("vttm"))
		st_modprobe("vttm");
	d = opendir(SYS_DRM);
	if (!d)
		st_fail("opendir " SYS_DRM ": %s", strerror(errno));
	/*
	 * Cards are cardN (connectors are cardN-NAME). Their sysfs links say
	 * little about a device without a bus driver, its driver's name all.
	 */
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "card", 4) || strchr(e->d_name, '-'))
			continue;
		vttm_card_node(e->d_name, vttm_node, sizeof(vttm_node));
		if (vttm_is_vttm(vttm_node))
			break;
		vttm_node[0] = '\0';
	}
	closedir(d);
	if (!vttm_node[0])
		st_fail("no DRM card of driver vttm in " SYS_DRM);
}

int vttm_open(void)
{
	int fd;

	if (!vttm_node[0])
		st_fail("vttm_open() before vttm_load()");
	fd = open(vttm_node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		st_fail("open %s: %s", vttm_node, strerror(errno));
	return fd;
}

/* Touch 64 KiB of stack below the caller's frame. */
static void __attribute__((noinline)) vttm_touch_stack(void)
{
	volatile char stack[64 * KiB];
	size_t i;

	for (i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 0;
}

void vttm_prefault(void)
{
	memset(wbuf, 0, sizeof(wbuf));
	memset(rbuf, 0, sizeof(rbuf));
	vttm_touch_stack();
	/* errno lives in a page of its own (TLS), written on the first error. */
	errno = 0;
}

int vttm_create_raw(int fd, uint64_t size, uint32_t flags, uint32_t *handle)
{
	struct drm_vttm_bo_create args = { .size = size, .flags = flags };
	int ret = vttm_ioctl(fd, DRM_IOCTL_VTTM_BO_CREATE, &args);

	if (!ret)
		*handle = args.handle;
	return ret;
}

static void create_flags(int fd, struct vttm_bo *bo, uint64_t size,
			 uint32_t flags)
{
	int ret = vttm_create_raw(fd, size, flags, &bo->handle);

	if (ret)
		st_fail("create a buffer object of %" PRIu64 " bytes%s: %s", size,
			flags & DRM_VTTM_CREATE_VRAM ? " for VRAM" : "",
			strerror(ret));
	bo->size = size;
	bo->seed = 0;
}

void vttm_create(int fd, struct vttm_bo *bo, uint64_t size)
{
	create_flags(fd, bo, size, 0);
}

void vttm_create_vram(int fd, struct vttm_bo *bo, uint64_t size)
{
	create_flags(fd, bo, size, DRM_VTTM_CREATE_VRAM);
}

int vttm_close_raw(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return vttm_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

void vttm_close(int fd, struct vttm_bo *bo)
{
	int ret = vttm_close_raw(fd, bo->handle);

	if (ret)
		st_fail("close buffer object %u: %s", bo->handle, strerror(ret));
	bo->handle = 0;
}

void vttm_close_all(int fd, struct vttm_bo *bos, int n)
{
	int i;

	for (i = 0; i < n; i++)
		vttm_close(fd, &bos[i]);
}

int vttm_pwrite_raw(int fd, uint32_t handle, uint64_t offset, const void *data,
		    uint64_t size)
{
	struct drm_vttm_bo_rw args = {
		.handle = handle, .offset = offset, .size = size,
		.data_ptr = (uintptr_t)data,
	};

	return vttm_ioctl(fd, DRM_IOCTL_VTTM_BO_PWRITE, &args);
}

int vttm_pread_raw(int fd, uint32_t handle, uint64_t offset, void *data,
		   uint64_t size)
{
	struct drm_vttm_bo_rw args = {
		.handle = handle, .offset = offset, .size = size,
		.data_ptr = (uintptr_t)data,
	};

	return vttm_ioctl(fd, DRM_IOCTL_VTTM_BO_PREAD, &args);
}

uint64_t vttm_new_seed(void)
{
	static uint32_t n;

	/* Processes alive at once have distinct pids. */
	return (uint64_t)getpid() << 32 | ++n;
}

/*
 * The word at byte OFFSET of the pattern of SEED: it depends on both, so
 * that pages swapped within a buffer object or between two are caught.
 */
static uint64_t vttm_word(uint64_t seed, uint64_t offset)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + offset;

	if (!seed)
		return 0;
	/* splitmix64's finalizer */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void vttm_pattern(uint64_t *buf, uint64_t seed, uint64_t offset, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		buf[i] = vttm_word(seed, offset + 8 * i);
}

int vttm_try_fill(int fd, struct vttm_bo *bo, uint64_t seed)
{
	uint64_t off;
	int ret;

	for (off = 0; off < bo->size; off += CHUNK) {
		size_t n = bo->size - off < CHUNK ? bo->size - off : CHUNK;

		vttm_pattern(wbuf, seed, off, n);
		ret = vttm_pwrite_raw(fd, bo->handle, off, wbuf, n);
		if (ret)
			return ret;
	}
	bo->seed = seed;
	return 0;
}

void vttm_fill(int fd, struct vttm_bo *bo)
{
	int ret = vttm_try_fill(fd, bo, vttm_new_seed());

	if (ret)
		st_fail("fill buffer object %u (%" PRIu64 " bytes): %s", bo->handle,
			bo->size, strerror(ret));
}

int vttm_try_verify(int fd, const struct vttm_bo *bo, const char *what)
{
	uint64_t off;
	size_t i;
	int ret;

	for (off = 0; off < bo->size; off += CHUNK) {
		size_t n = bo->size - off < CHUNK ? bo->size - off : CHUNK;

		ret = vttm_pread_raw(fd, bo->handle, off, rbuf, n);
		if (ret)
			return ret;
		vttm_pattern(wbuf, bo->seed, off, n);
		if (!memcmp(rbuf, wbuf, n))
			continue;
		for (i = 0; rbuf[i] == wbuf[i]; i++)
			;
		st_fail("%s: buffer object %u (%" PRIu64 " bytes) at offset %" PRIu64
			": read %#" PRIx64 ", want %#" PRIx64 "%s",
			what, bo->handle, bo->size, off + 8 * i, rbuf[i], wbuf[i],
			bo->seed ? "" : " (zeroes)");
	}
	return 0;
}

void vttm_verify(int fd, const struct vttm_bo *bo, const char *what)
{
	int ret = vttm_try_verify(fd, bo, what);

	if (ret)
		st_fail("%s: read buffer object %u (%" PRIu64 " bytes): %s", what,
			bo->handle, bo->size, strerror(ret));
}

void *vttm_map(int fd, const struct vttm_bo *bo, int prot)
{
	struct drm_vttm_bo_mmap_offset arg = { .handle = bo->handle };
	int ret = vttm_ioctl(fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &arg);
	void *p;

	if (ret)
		st_fail("mmap offset of buffer object %u: %s", bo->handle,
			strerror(ret));
	p = mmap(NULL, bo->size, prot, MAP_SHARED, fd, arg.offset);
	if (p == MAP_FAILED)
		st_fail("mmap buffer object %u: %s", bo->handle, strerror(errno));
	return p;
}

void vttm_verify_mapped(const struct vttm_bo *bo, const void *map,
			const char *what)
{
	const uint64_t *words = map;
	uint64_t off;

	for (off = 0; off < bo->size; off += 8)
		if (words[off / 8] != vttm_word(bo->seed, off))
			st_fail("%s: buffer object %u (%" PRIu64 " bytes) at offset %"
				PRIu64 ": read %#" PRIx64 ", want %#" PRIx64,
				what, bo->handle, bo->size, off, words[off / 8],
				vttm_word(bo->seed, off));
}

int vttm_madvise_raw(int fd, uint32_t handle, uint32_t madv, uint32_t *retained)
{
	struct drm_vttm_bo_madvise args = { .handle = handle, .madv = madv };
	int ret = vttm_ioctl(fd, DRM_IOCTL_VTTM_BO_MADVISE, &args);

	if (!ret && retained)
		*retained = args.retained;
	return ret;
}

uint32_t vttm_madvise(int fd, const struct vttm_bo *bo, uint32_t madv)
{
	uint32_t retained;
	int ret = vttm_madvise_raw(fd, bo->handle, madv, &retained);

	if (ret)
		st_fail("madvise %u on buffer object %u: %s", madv, bo->handle,
			strerror(ret));
	return retained;
}

int vttm_info_raw(int fd, uint32_t handle, struct drm_vttm_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return vttm_ioctl(fd, DRM_IOCTL_VTTM_BO_INFO, info);
}

void vttm_info(int fd, const struct vttm_bo *bo, struct drm_vttm_bo_info *info)
{
	int ret = vttm_info_raw(fd, bo->handle, info);

	if (ret)
		st_fail("info of buffer object %u: %s", bo->handle, strerror(ret));
	if (info->size != bo->size)
		st_fail("info of buffer object %u: size %" PRIu64 ", want %" PRIu64,
			bo->handle, (uint64_t)info->size, bo->size);
}

void vttm_expect_info(int fd, const struct vttm_bo *bo, const char *what,
		      uint32_t flags, uint64_t resident)
{
	struct drm_vttm_bo_info info;

	vttm_info(fd, bo, &info);
	if (info.flags != flags || info.resident != resident || info.backed_up)
		st_fail("%s: flags %#x, %" PRIu64 " bytes resident, %" PRIu64
			" backed up; want flags %#x, %" PRIu64 " resident, none backed up",
			what, info.flags, (uint64_t)info.resident,
			(uint64_t)info.backed_up, flags, resident);
}

void vttm_create_filled(int fd, struct vttm_bo *bos, int n, uint64_t size)
{
	int i;

	for (i = 0; i < n; i++) {
		vttm_create(fd, &bos[i], size);
		vttm_fill(fd, &bos[i]);
	}
}

void vttm_create_filled_in(const char *cg, int fd, struct vttm_bo *bos, int n,
			   uint64_t size)
{
	pid_t pid = st_fork(cg);

	if (!pid) {
		vttm_prefault();
		vttm_create_filled(fd, bos, n, size);
		exit(0);
	}
	st_wait(pid, "a creator of buffer objects");
	cg_expect_key(cg, "memory.stat", "gpu", n * size);
}

void vttm_create_purgeable(int fd, struct vttm_bo *bos, int n, uint64_t size)
{
	int i;

	for (i = 0; i < n; i++) {
		vttm_create(fd, &bos[i], size);
		vttm_fill(fd, &bos[i]);
		if (!vttm_madvise(fd, &bos[i], DRM_VTTM_MADV_DONTNEED))
			st_fail("a buffer object just filled was not retained");
	}
}
