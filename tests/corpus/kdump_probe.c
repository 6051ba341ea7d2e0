// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump_probe [--meta-only] VMCORE RELEASE [KASLR_OFFSET]
 *
 * Open one corpus dump with libkdumpfile, independently of pmtrace's own
 * code, and check it against the guest's ground truth:
 *  - OSRELEASE in the dump's VMCOREINFO equals RELEASE (truth/uname);
 *  - KERNELOFFSET in VMCOREINFO equals KASLR_OFFSET (hex, from the manifest)
 *    when given;
 *  - the release string read from kernel memory (init_uts_ns, through
 *    libkdumpfile's Linux address translation) equals RELEASE too, which
 *    proves page-table walking works on this dump (skipped with
 *    --meta-only).
 * When the dump leaves arch.name unset (QEMU's kdump-zlib, reassembled) the
 * probe sets it to x86_64, with a note on stderr.
 * Prints one line "format=... osrelease=... kerneloffset=... uts=..." and
 * exits 0 when everything matches, 1 with a message naming the failed check.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

/* struct new_utsname: six char[65] fields; release is the third. */
#define UTS_FIELD_LEN	65
#define UTS_RELEASE_OFF (2 * UTS_FIELD_LEN)

static int fail(const char *path, const char *what, const char *detail)
{
	fprintf(stderr, "kdump_probe: %s: %s%s%s\n", path, what, detail ? ": " : "",
		detail ? detail : "");
	return 1;
}

static int probe(kdump_ctx_t *ctx, const char *path, const char *release, const char *kaslr,
		 int meta_only)
{
	const char *fmt = "?";
	char *osrel = NULL, *koff = NULL, *nameoff = NULL;
	kdump_addr_t uts_ns;
	char uts[UTS_FIELD_LEN + 1];
	size_t len = UTS_FIELD_LEN;
	int rc = 1;

	if (kdump_get_string_attr(ctx, KDUMP_ATTR_FILE_FORMAT, &fmt) != KDUMP_OK)
		fmt = "?";
	if (kdump_vmcoreinfo_line(ctx, "OSRELEASE", &osrel) != KDUMP_OK) {
		rc = fail(path, "no OSRELEASE in VMCOREINFO", kdump_get_err(ctx));
		goto out;
	}
	if (strcmp(osrel, release) != 0) {
		rc = fail(path, "OSRELEASE differs from truth/uname", osrel);
		goto out;
	}
	if (kdump_vmcoreinfo_line(ctx, "KERNELOFFSET", &koff) != KDUMP_OK) {
		rc = fail(path, "no KERNELOFFSET in VMCOREINFO", kdump_get_err(ctx));
		goto out;
	}
	if (kaslr) {
		unsigned long long want = strtoull(kaslr, NULL, 16);
		unsigned long long got = strtoull(koff, NULL, 16);

		if (want != got) {
			rc = fail(path, "KERNELOFFSET differs from the manifest", koff);
			goto out;
		}
	}
	if (meta_only) {
		printf("%s: format=%s osrelease=%s kerneloffset=%s (metadata only)\n", path, fmt,
		       osrel, koff);
		rc = 0;
		goto out;
	}
	if (kdump_vmcoreinfo_symbol(ctx, "init_uts_ns", &uts_ns) != KDUMP_OK) {
		rc = fail(path, "no SYMBOL(init_uts_ns)", kdump_get_err(ctx));
		goto out;
	}
	/*
	 * Kernels before OFFSET(uts_namespace.name) was exported (5.10 has
	 * none) begin struct uts_namespace with a 4-byte struct kref, then the
	 * name (char arrays, no padding).
	 */
	if (kdump_vmcoreinfo_line(ctx, "OFFSET(uts_namespace.name)", &nameoff) != KDUMP_OK)
		nameoff = strdup("4");
	if (!nameoff) {
		rc = fail(path, "out of memory", NULL);
		goto out;
	}
	memset(uts, 0, sizeof(uts));
	if (kdump_read(ctx, KDUMP_KVADDR, uts_ns + strtoull(nameoff, NULL, 10) + UTS_RELEASE_OFF,
		       uts, &len) != KDUMP_OK ||
	    len != UTS_FIELD_LEN) {
		rc = fail(path, "cannot read init_uts_ns.name.release", kdump_get_err(ctx));
		goto out;
	}
	if (strcmp(uts, release) != 0) {
		rc = fail(path, "utsname release in memory differs", uts);
		goto out;
	}
	printf("%s: format=%s osrelease=%s kerneloffset=%s uts=%s\n", path, fmt, osrel, koff, uts);
	rc = 0;
out:
	free(osrel);
	free(koff);
	free(nameoff);
	return rc;
}

/*
 * QEMU's kdump-zlib header fills in only utsname.machine, and libkdumpfile
 * 0.5.1 then leaves arch.name unset, so no address translation is possible
 * ("No way to translate"). Every corpus dump is x86_64: say so explicitly.
 */
static int has_arch(kdump_ctx_t *ctx)
{
	const char *arch;

	if (kdump_get_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, &arch) == KDUMP_OK)
		return 1;
	fprintf(stderr, "kdump_probe: no arch.name in the dump; assuming x86_64\n");
	return 0;
}

int main(int argc, char **argv)
{
	kdump_ctx_t *ctx;
	int fd, rc, meta_only = 0;

	if (argc > 1 && strcmp(argv[1], "--meta-only") == 0) {
		meta_only = 1;
		argv++;
		argc--;
	}
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: kdump_probe [--meta-only] VMCORE RELEASE "
				"[KASLR_OFFSET]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail(argv[1], "cannot open", strerror(errno));
	ctx = kdump_new();
	if (!ctx) {
		close(fd);
		return fail(argv[1], "kdump_new failed", NULL);
	}
	if (kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_FD, fd) != KDUMP_OK) {
		rc = fail(argv[1], "libkdumpfile cannot open it", kdump_get_err(ctx));
	} else if (!has_arch(ctx) &&
		   kdump_set_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, "x86_64") != KDUMP_OK) {
		rc = fail(argv[1], "cannot set arch.name", kdump_get_err(ctx));
	} else if (kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux") != KDUMP_OK) {
		rc = fail(argv[1], "cannot set up Linux address translation", kdump_get_err(ctx));
	} else {
		rc = probe(ctx, argv[1], argv[2], argc == 4 ? argv[3] : NULL, meta_only);
	}
	kdump_free(ctx);
	close(fd);
	return rc;
}
