/*
 * Unit tests for lib/maintainers.c: MAINTAINERS read from a commit of a
 * real repository made here with libgit2, its sections and patterns,
 * and the area of a commit by the files it touches.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/buf.h"
#include "../../lib/maintainers.h"
#include "unit-libgit2.h"

/* As a kernel's starts: an introduction whose field lines are indented. */
static const char maintainers_text[] =
	"List of maintainers\n"
	"===================\n"
	"\n"
	"Descriptions of section entries and preferred order\n"
	"---------------------------------------------------\n"
	"\n"
	"\tM: *Mail* patches to: FullName <address@domain>\n"
	"\tF: *Files* and directories wildcard patterns.\n"
	"\t   F:\tdrivers/net/\tall files in and below drivers/net\n"
	"\n"
	"Maintainers List\n"
	"----------------\n"
	"\n"
	"DOCUMENTATION\n"
	"M:\tJon <corbet@lwn.net>\n"
	"S:\tMaintained\n"
	"F:\tDocumentation/\n"
	"X:\tDocumentation/virt/\n"
	"\n"
	"KERNEL VIRTUAL MACHINE (KVM)\n"
	"M:\tPaolo <pbonzini@redhat.com>\n"
	"L:\tkvm@vger.kernel.org\n"
	"S:\tSupported\n"
	"F:\tDocumentation/virt/kvm/\n"
	"F:\tinclude/linux/kvm*\n"
	"F:\tarch/ppc/kvm/\n"
	"F:\ttools/kvm/\n"
	"F:\ttools/testing/selftests/kvm/\n"
	"F:\tvirt/kvm/*\n"
	"\r\n"
	"KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)\r\n"
	"M:\tMarc <maz@kernel.org>\r\n"
	"F:\tarch/arm64/kvm/\r\n"
	"F:\ttools/testing/selftests/kvm/*/arm64/\r\n"
	"F:\ttools/testing/selftests/kvm/arm64/\r\n"
	"\n"
	"KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)\n"
	"M:\tSean <seanjc@google.com>\n"
	"F:\tarch/x86/kvm/\n"
	"F:\tarch/x86/kvm/*\n"
	"F:\ttools/testing/selftests/kvm/x86\n"
	"X:\tarch/x86/kvm/svm/\n"
	"\n"
	"KVM X86 SVM\n"
	"M:\tSean <seanjc@google.com>\n"
	"F:\tarch/x86/kvm/svm/\n"
	"\n"
	"KVM PARAVIRT (KVM/paravirt)\n"
	"F:\tarch/x86/kvm/cpuid.c\n"
	"F:\tarch/*/kernel/kvm.c\n"
	"\n"
	"X86 ARCHITECTURE (32-BIT AND 64-BIT)\n"
	"M:\tThomas <tglx@linutronix.de>\n"
	"F:\tarch/x86/\n"
	"\n"
	"THE REST\n"
	"M:\tLinus <torvalds@linux-foundation.org>\n"
	"F:\t*\n"
	"F:\t*/\n";

struct fixture {
	char dir[4096];
	git_repository *repo;
	struct kvmd_maintainers *m;
	struct kvmd_buf err;
};

static int rm_rf(const char *dir)
{
	struct kvmd_buf cmd = KVMD_BUF_INIT;
	int ret;

	kvmd_buf_addf(&cmd, "rm -rf '%s'", dir);
	ret = system(cmd.ptr);
	kvmd_buf_release(&cmd);
	return ret;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/kvmd-maint-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir) || git_repository_init(&f->repo, f->dir, 1) < 0)
		return -1;
	kvmd_buf_init(&f->err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmd_maintainers_free(f->m);
	git_repository_free(f->repo);
	rm_rf(f->dir);
	kvmd_buf_release(&f->err);
	free(f);
	return 0;
}

/*
 * Commits on HEAD a tree of `path` holding `text` (a top-level file,
 * or one a directory down), as git commit would.
 */
static void commit_file(git_repository *repo, const char *path, const char *text)
{
	git_oid blob, tree, commit, sub;
	git_treebuilder *tb = NULL, *inner = NULL;
	git_signature *sig = NULL;
	git_tree *t = NULL;
	const char *slash = strchr(path, '/');

	assert_int_equal(git_blob_create_from_buffer(&blob, repo, text, strlen(text)), 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	if (slash) {
		char top[64];

		assert_true((size_t)(slash - path) < sizeof(top));
		memcpy(top, path, (size_t)(slash - path));
		top[slash - path] = '\0';
		assert_int_equal(git_treebuilder_new(&inner, repo, NULL), 0);
		assert_int_equal(git_treebuilder_insert(NULL, inner, slash + 1, &blob,
							GIT_FILEMODE_BLOB), 0);
		assert_int_equal(git_treebuilder_write(&sub, inner), 0);
		assert_int_equal(git_treebuilder_insert(NULL, tb, top, &sub, GIT_FILEMODE_TREE), 0);
	} else {
		assert_int_equal(git_treebuilder_insert(NULL, tb, path, &blob, GIT_FILEMODE_BLOB), 0);
	}
	assert_int_equal(git_treebuilder_write(&tree, tb), 0);
	assert_int_equal(git_tree_lookup(&t, repo, &tree), 0);
	assert_int_equal(git_signature_new(&sig, "A U Thor", "author@example.com",
					   1700000000, 0), 0);
	assert_int_equal(git_commit_create(&commit, repo, "HEAD", sig, sig, NULL,
					   "MAINTAINERS\n", t, 0, NULL), 0);
	git_signature_free(sig);
	git_tree_free(t);
	git_treebuilder_free(inner);
	git_treebuilder_free(tb);
}

static struct kvmd_maintainers *read_head(struct fixture *f)
{
	assert_int_equal(kvmd_maintainers_read(&f->m, f->repo, "HEAD", &f->err), 0);
	assert_non_null(f->m);
	return f->m;
}

static const char *section(struct fixture *f, const char *path)
{
	const char *s = kvmd_maintainers_file_section(f->m, path);

	return s ? s : "(none)";
}

static void test_maintainers_sections(void **state)
{
	struct fixture *f = *state;

	commit_file(f->repo, "MAINTAINERS", maintainers_text);
	read_head(f);
	/* the introduction's indented fields start no section */
	assert_int_equal(kvmd_maintainers_count(f->m), 8);
}

static void test_maintainers_patterns(void **state)
{
	struct fixture *f = *state;

	commit_file(f->repo, "MAINTAINERS", maintainers_text);
	read_head(f);
	/* "dir/": everything below; the longer pattern wins over arch/x86/ and */
	assert_string_equal(section(f, "arch/x86/kvm/mmu/mmu.c"),
			    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_string_equal(section(f, "arch/x86/kernel/setup.c"),
			    "X86 ARCHITECTURE (32-BIT AND 64-BIT)");
	/* a file named: more specific than its directory's section */
	assert_string_equal(section(f, "arch/x86/kvm/cpuid.c"), "KVM PARAVIRT (KVM/paravirt)");
	/* X: sends a file to the next best section */
	assert_string_equal(section(f, "arch/x86/kvm/svm/svm.c"), "KVM X86 SVM");
	assert_string_equal(section(f, "Documentation/virt/kvm/api.rst"),
			    "KERNEL VIRTUAL MACHINE (KVM)");
	assert_string_equal(section(f, "Documentation/virt/uml/x.rst"), "THE REST");
	assert_string_equal(section(f, "Documentation/process/howto.rst"), "DOCUMENTATION");
	/* "*" within one component only */
	assert_string_equal(section(f, "virt/kvm/kvm_main.c"), "KERNEL VIRTUAL MACHINE (KVM)");
	assert_string_equal(section(f, "virt/kvm/arm/x.c"), "THE REST");
	assert_string_equal(section(f, "include/linux/kvm_host.h"), "KERNEL VIRTUAL MACHINE (KVM)");
	assert_string_equal(section(f, "include/linux/kvm/x.h"), "THE REST");
	assert_string_equal(section(f, "arch/arm64/kernel/kvm.c"), "KVM PARAVIRT (KVM/paravirt)");
	assert_string_equal(section(f, "arch/arm64/kernel/kvm.h"), "THE REST");
	/* a glob before the "/": below every directory it matches (CRLF lines too) */
	assert_string_equal(section(f, "tools/testing/selftests/kvm/lib/arm64/gic.c"),
			    "KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)");
	assert_string_equal(section(f, "tools/testing/selftests/kvm/lib/x86/x.c"),
			    "KERNEL VIRTUAL MACHINE (KVM)");
	/* a directory named without its "/", as git's pathspecs */
	assert_string_equal(section(f, "tools/testing/selftests/kvm/x86/a.c"),
			    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_string_equal(section(f, "tools/testing/selftests/kvm/x86"),
			    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_string_equal(section(f, "tools/testing/selftests/kvm/x86.c"),
			    "KERNEL VIRTUAL MACHINE (KVM)");
	/* "*" and "*\/" of THE REST: top-level files, and everything below */
	assert_string_equal(section(f, "Makefile"), "THE REST");
	assert_string_equal(section(f, "fs/ext4/inode.c"), "THE REST");
}

static void test_maintainers_area(void **state)
{
	struct fixture *f = *state;
	const char *one[] = { "arch/x86/kvm/x86.c" };
	const char *most[] = { "arch/x86/kvm/x86.c", "virt/kvm/kvm_main.c",
			       "arch/x86/kvm/mmu/mmu.c" };
	/* one file each: the more specific pattern (tools/kvm/ < arch/x86/kvm/) */
	const char *tie[] = { "tools/kvm/a.c", "arch/x86/kvm/x86.c" };
	/* one file each, as specific (arch/ppc/kvm/, arch/x86/kvm/): the earlier section */
	const char *tie_order[] = { "arch/x86/kvm/x86.c", "arch/ppc/kvm/a.c" };
	/* THE REST covers every file, but is no file's best section */
	const char *rest[] = { "arch/arm64/kvm/arm.c", "arch/x86/kvm/x86.c", "virt/kvm/kvm_main.c",
			       "arch/arm64/kvm/vgic.c" };
	const char *top[] = { "x" };

	commit_file(f->repo, "MAINTAINERS", maintainers_text);
	read_head(f);
	assert_string_equal(kvmd_maintainers_area(f->m, one, 1),
			    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_string_equal(kvmd_maintainers_area(f->m, most, 3),
			    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_string_equal(kvmd_maintainers_area(f->m, tie, 2),
			    "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)");
	assert_string_equal(kvmd_maintainers_area(f->m, tie_order, 2),
			    "KERNEL VIRTUAL MACHINE (KVM)");
	assert_string_equal(kvmd_maintainers_area(f->m, rest, 4),
			    "KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)");
	assert_string_equal(kvmd_maintainers_area(f->m, top, 1), "THE REST");
	assert_null(kvmd_maintainers_area(f->m, top, 0));
	assert_null(kvmd_maintainers_area(NULL, one, 1));
}

/* No MAINTAINERS (not a kernel checkout), no HEAD yet: no areas, no error */
static void test_maintainers_absent(void **state)
{
	struct fixture *f = *state;
	struct kvmd_maintainers *m = (struct kvmd_maintainers *)f;

	assert_int_equal(kvmd_maintainers_read(&m, f->repo, "HEAD", &f->err), 0);
	assert_null(m);
	commit_file(f->repo, "README", "not a kernel\n");
	assert_int_equal(kvmd_maintainers_read(&m, f->repo, "HEAD", &f->err), 0);
	assert_null(m);
	assert_int_equal(f->err.len, 0);
}

/* MAINTAINERS is a file of the top directory, nowhere else; a tree there is an error */
static void test_maintainers_not_a_blob(void **state)
{
	struct fixture *f = *state;

	commit_file(f->repo, "MAINTAINERS/x", maintainers_text);
	assert_int_equal(kvmd_maintainers_read(&f->m, f->repo, "HEAD", &f->err), -1);
	assert_null(f->m);
	assert_non_null(strstr(f->err.ptr, "cannot read 'HEAD:MAINTAINERS'"));
}

/* No title, fields first, empty patterns: nothing breaks, nothing matches */
static void test_maintainers_odd_text(void **state)
{
	const char text[] = "F:\tarch/\nM:\tx\n\nTITLE\nF:\t\nF:\t/\nX:\n";
	const char *paths[] = { "arch/x.c", "/" };
	struct kvmd_maintainers *m = kvmd_maintainers_parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(kvmd_maintainers_count(m), 1);
	assert_null(kvmd_maintainers_area(m, paths, 1));
	kvmd_maintainers_free(m);
	m = kvmd_maintainers_parse("", 0);
	assert_int_equal(kvmd_maintainers_count(m), 0);
	assert_null(kvmd_maintainers_area(m, paths, 2));
	kvmd_maintainers_free(m);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_maintainers_sections),
		T(test_maintainers_patterns),
		T(test_maintainers_area),
		T(test_maintainers_absent),
		T(test_maintainers_not_a_blob),
		cmocka_unit_test(test_maintainers_odd_text),
	};

	return cmocka_run_group_tests_name("maintainers", tests, group_setup, group_teardown);
}
