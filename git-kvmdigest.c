/*
 * git-kvmdigest: digest what a fetch brought into a git note.
 *
 * The front end only: usage, options, configuration and exit codes.
 * Everything else lives in lib/, one module per concept.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "lib/buf.h"
#include "lib/digest.h"
#include "lib/mail.h"
#include "lib/notes.h"
#include "lib/options.h"
#include "lib/range.h"
#include "lib/render.h"
#include "lib/scan.h"
#include "lib/usage.h"

#include <git2.h>
#include <gmime/gmime.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KVMD_VERSION
#define KVMD_VERSION "0.1"
#endif

static const char *const digest_usage[] = {
	"git kvmdigest [<options>] <old>..<new>",
	NULL,
};

struct digest_opts {
	int to_stdout;
	int quiet;
	int version;
	int top;
	const char *title;
	const char *notes_ref;
	const char *sections;
};

/* Reads kvmdigest.* configuration; command-line options override it. */
static void read_config(git_repository *repo, struct digest_opts *o,
			git_config **snapshot)
{
	git_config *cfg = NULL;
	const char *s;
	int32_t n;

	*snapshot = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return;
	if (!o->title && git_config_get_string(&s, cfg, "kvmdigest.title") == 0)
		o->title = s;
	if (!o->notes_ref && git_config_get_string(&s, cfg, "kvmdigest.notesRef") == 0)
		o->notes_ref = s;
	if (!o->sections && git_config_get_string(&s, cfg, "kvmdigest.sections") == 0)
		o->sections = s;
	if (o->top < 0 && git_config_get_int32(&n, cfg, "kvmdigest.top") == 0 && n >= 0)
		o->top = n;
	*snapshot = cfg; /* the strings above live as long as the snapshot */
}

static void print_version(void)
{
	int major, minor, rev;
	char pcre[64] = "";

	git_libgit2_version(&major, &minor, &rev);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	printf("git-kvmdigest version %s\n", KVMD_VERSION);
	printf("libgit2 %d.%d.%d\n", major, minor, rev);
	printf("PCRE2 %s\n", pcre);
	printf("GMime %u.%u.%u\n", gmime_major_version, gmime_minor_version,
	       gmime_micro_version);
}

static int open_repository(git_repository **repo)
{
	/* honours GIT_DIR and friends, as hooks and `git -C` need */
	if (git_repository_open_ext(repo, ".", GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0)
		kvmd_die("not a git repository (or any of the parent directories): %s",
			 kvmd_git_error());
	return 0;
}

static int cmd_digest(int argc, const char **argv)
{
	struct digest_opts o = { 0, 0, 0, -1, NULL, NULL, NULL };
	struct kvmd_option options[] = {
		KVMD_OPT_BOOL_(0, "stdout", &o.to_stdout, "print the digest, write no note"),
		KVMD_OPT_STRING_(0, "notes-ref", &o.notes_ref, "<ref>",
				 "write the note in <ref> (default: refs/notes/kvmdigest)"),
		KVMD_OPT_INT_(0, "top", &o.top, "<n>", "show <n> rows per table (default: 15)"),
		KVMD_OPT_STRING_(0, "title", &o.title, "<text>", "the digest's title"),
		KVMD_OPT_BOOL_('q', "quiet", &o.quiet, "do not report progress"),
		KVMD_OPT_BOOL_(0, "version", &o.version, "print versions and exit"),
		KVMD_OPT_END_(),
	};
	struct kvmd_buf err = KVMD_BUF_INIT, text = KVMD_BUF_INIT, ref = KVMD_BUF_INIT;
	struct kvmd_scan_opts scan = { 0, 0, 1 };
	struct kvmd_render_opts render;
	struct kvmd_range range;
	struct kvmd_digest *d = NULL;
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	int nr, ret = 0;

	nr = kvmd_parse_options(argc, argv, options);
	if (nr == KVMD_PARSE_HELP) {
		kvmd_usage_with_options(digest_usage, options, 0);
		return 129;
	}
	if (nr < 0) {
		kvmd_usage_with_options(digest_usage, options, 1);
		return 129;
	}
	if (o.version) {
		print_version();
		return 0;
	}
	if (nr != 1) {
		if (nr > 1)
			kvmd_error("too many arguments");
		else
			kvmd_error("give a range <old>..<new>");
		kvmd_usage_with_options(digest_usage, options, 1);
		return 129;
	}

	open_repository(&repo);
	read_config(repo, &o, &cfg);
	if (kvmd_notes_ref_expand(&ref, o.notes_ref ? o.notes_ref : "kvmdigest", &err) < 0)
		kvmd_die("%s", err.ptr);
	if (kvmd_range_parse(&range, repo, argv[0], &err) < 0)
		kvmd_die("%s", err.ptr);

	d = kvmd_digest_new();
	if (kvmd_scan(d, repo, &range, &scan, &err) < 0)
		kvmd_die("%s", err.ptr);

	if (!kvmd_digest_mail_count(d) && !kvmd_digest_code_count(d) &&
	    !kvmd_digest_skipped(d, NULL, NULL)) {
		if (!o.quiet)
			fprintf(stderr, "nothing to digest in %s\n", argv[0]);
		goto cleanup;
	}

	memset(&render, 0, sizeof(render));
	render.title = o.title ? o.title : KVMD_DEFAULT_TITLE;
	render.top = o.top >= 0 ? o.top : KVMD_DEFAULT_TOP;
	render.sections = KVMD_SECTIONS_DEFAULT;
	render.old_hex = range.has_old ? range.old_hex : NULL;
	render.new_hex = range.new_hex;
	kvmd_render_text(&text, d, &render);

	if (o.to_stdout) {
		if (fwrite(text.ptr, 1, text.len, stdout) != text.len || fflush(stdout))
			kvmd_die("cannot write the digest to standard output");
	} else {
		int written = kvmd_notes_add_section(repo, ref.ptr, &range.new, text.ptr, &err);
		if (written < 0)
			kvmd_die("%s", err.ptr);
		if (!o.quiet)
			fprintf(stderr, "%s the digest of %s in %s\n",
				written ? "noted" : "already noted", argv[0], ref.ptr);
	}

cleanup:
	kvmd_digest_free(d);
	kvmd_buf_release(&err);
	kvmd_buf_release(&text);
	kvmd_buf_release(&ref);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

int main(int argc, const char **argv)
{
	int ret;

	git_libgit2_init();
	kvmd_mail_global_init();
	ret = cmd_digest(argc, argv);
	git_libgit2_shutdown();
	return ret;
}
