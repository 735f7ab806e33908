/*
 * git-kvmdigest: digest what a fetch brought into a git note.
 *
 * The front end only: usage, options, configuration, subcommands and
 * exit codes (0 done, 128 fatal, 129 usage).  Everything else lives in
 * lib/, one module per concept.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/digest.h"
#include "lib/hooks.h"
#include "lib/inbox.h"
#include "lib/mail.h"
#include "lib/notes.h"
#include "lib/options.h"
#include "lib/pack.h"
#include "lib/range.h"
#include "lib/render.h"
#include "lib/scan.h"
#include "lib/usage.h"
#include "lib/watch.h"
#include "pager.h"

#include <errno.h>
#include <git2.h>
#include <gmime/gmime.h>
#include <pcre2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef KVMD_VERSION
#define KVMD_VERSION "0.1"
#endif
/*
 * The most readers -j gives, whatever is asked: each is a repository
 * handle and a thread, allocated before the range is counted, and more
 * than the cores only wait for each other.  Documented under --jobs.
 */
#define JOBS_MAX 256

#ifndef KVMD_SHAREDIR
#define KVMD_SHAREDIR "/usr/local/share/git-kvmdigest"
#endif

static const char *const digest_usage[] = {
	"git kvmdigest [<options>] [<old>..<new>]",
	"git kvmdigest install-hooks",
	"git kvmdigest uninstall-hooks",
	NULL,
};

static const char *const install_usage[] = { "git kvmdigest install-hooks", NULL };
static const char *const uninstall_usage[] = { "git kvmdigest uninstall-hooks", NULL };

/* What the command line and kvmdigest.* configuration ask for. */
struct digest_opts {
	int to_stdout;
	int quiet;
	int version;
	int top;
	const char *title;
	const char *notes_ref;
	const char *sections;
	const char *format;
	int jobs;
	int progress;
	int pager;  /* -p 1, --no-pager 0, else -1: the configuration decides */
};

/* Everything one run needs to digest ranges. */
struct runner {
	git_repository *repo;
	struct kvmd_packs *packs; /* what repo reads its packs through */
	struct digest_opts *o;
	struct kvmd_buf notes_ref;
	unsigned sections;
	int json;
	struct kvmd_config *cfg;
};

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

/*
 * The repository, and with `packs` its packs read through git's
 * delta-base cache (lib/pack.h) from the start: resolving `master~50000`
 * through libgit2's own mapping of the packs would leave them whole in
 * memory before the digest begins.  kvmdigest.packReader=false leaves
 * every read to libgit2 (*packs NULL).  Free with close_repository().
 */
static git_repository *open_repository(struct kvmd_packs **packs)
{
	git_repository *repo = NULL;
	int error, major, minor, rev;

	/*
	 * Honours GIT_DIR and friends, as `git --git-dir` and hooks need;
	 * libgit2 reads them only when given no path.
	 */
	error = git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (error == GIT_ENOTFOUND)
		kvmd_die("not a git repository (or any of the parent directories): %s",
			 kvmd_git_error());
	if (error < 0) {
		/* found, but not for libgit2: say whose limit it is (see the man page) */
		git_libgit2_version(&major, &minor, &rev);
		kvmd_die("libgit2 %d.%d.%d cannot open this repository: %s",
			 major, minor, rev, kvmd_git_error());
	}
	if (packs) {
		struct kvmd_config *cfg = kvmd_config_open(repo);
		struct kvmd_buf err = KVMD_BUF_INIT;
		int use = 1;

		if (kvmd_config_get_bool(&use, cfg, "kvmdigest.packReader", &err) < 0)
			kvmd_die("%s", err.ptr);
		kvmd_config_free(cfg);
		*packs = use ? kvmd_packs_open(repo, KVMD_PACK_CACHE_DEFAULT) : NULL;
		if (kvmd_packs_attach(repo, *packs) < 0)
			kvmd_die("cannot read the packs: %s", kvmd_git_error());
	}
	return repo;
}

static void close_repository(git_repository *repo, struct kvmd_packs *packs)
{
	git_repository_free(repo);
	kvmd_packs_free(packs); /* after: the repository reads through them */
}

/* A count from the configuration (kvmdigest.top, kvmdigest.jobs): dies naming `key`. */
static void config_count(int *out, struct kvmd_config *cfg, const char *key)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	int set = kvmd_config_get_int(out, cfg, key, &err);

	if (set < 0)
		kvmd_die("%s", err.ptr);
	if (set && *out < 0)
		kvmd_die("bad numeric config value '%s' for '%s': cannot be negative",
			 kvmd_config_get(cfg, key), key);
	kvmd_buf_release(&err);
}

/*
 * Reads kvmdigest.* configuration (command-line options win) and checks
 * it; the command line is checked before (check_options()).
 */
static void runner_init(struct runner *r, git_repository *repo, struct kvmd_packs *packs,
			struct digest_opts *o)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	const char *sections_key = NULL; /* set when the list comes from there */

	memset(r, 0, sizeof(*r));
	r->repo = repo;
	r->packs = packs;
	r->o = o;
	/* the strings stay valid as long as r->cfg */
	r->cfg = kvmd_config_open(repo);
	if (!o->title)
		o->title = kvmd_config_get(r->cfg, "kvmdigest.title");
	if (!o->notes_ref)
		o->notes_ref = kvmd_config_get(r->cfg, "kvmdigest.notesRef");
	if (!o->sections && (o->sections = kvmd_config_get(r->cfg, "kvmdigest.sections")))
		sections_key = "kvmdigest.sections";
	if (o->jobs < 0)
		config_count(&o->jobs, r->cfg, "kvmdigest.jobs");
	if (o->top < 0)
		config_count(&o->top, r->cfg, "kvmdigest.top");
	if (kvmd_notes_ref_expand(&r->notes_ref, o->notes_ref ? o->notes_ref : "kvmdigest", &err) < 0)
		kvmd_die("bad config value for 'kvmdigest.notesRef': %s", err.ptr);
	r->sections = KVMD_SECTIONS_DEFAULT;
	if (o->sections && kvmd_render_parse_sections(&r->sections, o->sections, &err) < 0) {
		if (sections_key)
			kvmd_die("bad config value '%s' for '%s': %s", o->sections,
				 sections_key, err.ptr);
		kvmd_die("%s", err.ptr);
	}
	r->json = o->format && !strcmp(o->format, "json");
	kvmd_buf_release(&err);
}

static void runner_release(struct runner *r)
{
	kvmd_buf_release(&r->notes_ref);
	kvmd_config_free(r->cfg);
}

static const char *range_label(struct kvmd_buf *out, const struct kvmd_range *range)
{
	kvmd_buf_reset(out);
	if (range->has_old)
		kvmd_buf_addf(out, "%.12s..", range->old_hex);
	kvmd_buf_addf(out, "%.12s", range->new_hex);
	return out->ptr;
}

/*
 * git's progress line, `Digesting: 45% (45000/100000)`: shown once the
 * run has taken a second (git's delayed progress: short runs stay quiet)
 * or at once when forced, updated when the percentage changes.
 */
struct progress {
	int mode;       /* 0 never, 1 delayed, 2 at once */
	int shown;      /* the last percentage shown, -1 for none */
	size_t total;   /* commits to read, as the scan last said */
	struct timespec start;
};

/* Whether the line is (or would now be) on screen. */
static int progress_due(const struct progress *p)
{
	struct timespec now;

	if (p->shown >= 0 || p->mode == 2)
		return p->mode != 0;
	if (p->mode == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->start.tv_sec) +
	       (double)(now.tv_nsec - p->start.tv_nsec) / 1e9 >= 1.0;
}

static void show_progress(size_t done, size_t total, void *data)
{
	struct progress *p = data;
	int pct = total ? (int)(done * 100 / total) : 100;

	p->total = total;
	if (pct == p->shown || !progress_due(p))
		return;
	fprintf(stderr, "Digesting: %3d%% (%zu/%zu)\r", pct, done, total);
	fflush(stderr);
	p->shown = pct;
}

static void end_progress(const struct progress *p)
{
	if (progress_due(p))
		fprintf(stderr, "Digesting: 100%% (%zu/%zu), done.\n", p->total, p->total);
}

static void warn_skipped(const char *commit_hex, const char *why, void *data)
{
	(void)data;
	kvmd_warning("skipping commit %.12s: %s", commit_hex, why);
}

/*
 * A write to a pipe nobody reads any more ends the program by SIGPIPE,
 * silently, as git's does (its check_pipe()): `git kvmdigest --stdout |
 * head -1` is not an error.  With SIGPIPE back to its default (main())
 * the write itself kills us; this covers a SIGPIPE that is blocked.
 */
static void check_pipe(int err)
{
	if (err == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		exit(141); /* if the signal is blocked: what a shell shows for it */
	}
}

/* Writes out what is rendered so far; errors show in ferror(stdout). */
static void write_out(struct kvmd_buf *text, void *data)
{
	(void)data;
	if (text->len && fwrite(text->ptr, 1, text->len, stdout) != text->len)
		check_pipe(errno);
	kvmd_buf_reset(text);
}

/*
 * An archive's delta chains run from each message to the ones before it,
 * which a newest-first walk reads next: each base is wanted once more,
 * soon.  8 MiB holds dozens of whole chains; 96 MiB (git's default, which
 * a kernel history needs) only fills up, with two threads, with bases
 * that the other thread has already read: memory for no speed.
 */
#define ARCHIVE_DELTA_CACHE (8 * 1024 * 1024)

/* The delta-base cache for a range: core.deltaBaseCacheLimit, else by what the range is. */
static int delta_cache_size(size_t *out, struct runner *r, const struct kvmd_range *range,
			    struct kvmd_buf *err)
{
	int set = kvmd_config_get_size(out, r->cfg, "core.deltaBaseCacheLimit", err);

	if (set < 0)
		return -1;
	if (!set)
		*out = kvmd_inbox_is_archive_commit(r->repo, &range->new) ?
			ARCHIVE_DELTA_CACHE : KVMD_PACK_CACHE_DEFAULT;
	return 0;
}

/*
 * Digests one range into a note (or standard output).  Returns 0, or -1
 * after printing an error: the caller decides whether that is fatal.
 */
static int digest_range(struct runner *r, const struct kvmd_range *range,
			struct kvmd_buf *err)
{
	struct kvmd_buf text = KVMD_BUF_INIT, label = KVMD_BUF_INIT;
	struct progress progress = { .shown = -1 };
	struct kvmd_scan_opts scan = {
		.want_trailers = r->json ||
			(r->sections & (KVMD_SECTION_SIGNERS | KVMD_SECTION_REVIEWERS)),
		.progress = show_progress,
		.skipped = warn_skipped,
		.report_data = &progress,
		.config = r->cfg,
		.jobs = r->o->jobs > 0 ? r->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN),
		.packs = r->packs,
	};
	struct kvmd_render_opts render;
	struct kvmd_digest *d = kvmd_digest_new();
	int ret = -1, written;

	if (scan.jobs < 1)
		scan.jobs = 1;
	if (scan.jobs > JOBS_MAX)
		scan.jobs = JOBS_MAX;
	if (delta_cache_size(&scan.delta_cache, r, range, err) < 0)
		goto cleanup;
	/* on a terminal (not in hooks or pipes), unless -q; --progress forces it */
	if (!r->o->quiet)
		progress.mode = r->o->progress > 0 ? 2 : r->o->progress < 0 && isatty(2) ? 1 : 0;
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	if (kvmd_scan(d, r->repo, range, &scan, err) < 0)
		goto cleanup;
	end_progress(&progress);
	kvmd_digest_finish(d);
	range_label(&label, range);
	if (!kvmd_digest_mail_count(d) && !kvmd_digest_code_count(d) &&
	    !kvmd_digest_skipped(d, NULL)) {
		if (!r->o->quiet)
			fprintf(stderr, "nothing to digest in %s\n", label.ptr);
		ret = 0;
		goto cleanup;
	}

	memset(&render, 0, sizeof(render));
	render.title = r->o->title ? r->o->title : KVMD_DEFAULT_TITLE;
	render.top = r->o->top >= 0 ? r->o->top : KVMD_DEFAULT_TOP;
	render.sections = r->sections;
	render.old_hex = range->has_old ? range->old_hex : NULL;
	render.new_hex = range->new_hex;

	/* to standard output in pieces: a long digest is never whole in memory */
	if (r->o->to_stdout && !r->json)
		render.flush = write_out;
	if ((r->json ? kvmd_render_json(&text, d, &render) :
		       kvmd_render_text(&text, d, &render)) < 0) {
		kvmd_buf_addf(err, "cannot render the digest: %s", strerror(errno));
		goto cleanup;
	}
	if (r->o->to_stdout || r->json) {
		write_out(&text, NULL);
		if (ferror(stdout) || fflush(stdout)) {
			check_pipe(errno);
			kvmd_buf_adds(err, "cannot write the digest to standard output");
			goto cleanup;
		}
		ret = 0;
		goto cleanup;
	}
	written = kvmd_notes_add_section(r->repo, r->notes_ref.ptr, &range->new, text.ptr, err);
	if (written < 0)
		goto cleanup;
	if (!r->o->quiet)
		fprintf(stderr, "%s the digest of %s in %s\n",
			written ? "noted" : "already noted", label.ptr, r->notes_ref.ptr);
	ret = 0;

cleanup:
	kvmd_digest_free(d);
	kvmd_buf_release(&text);
	kvmd_buf_release(&label);
	return ret;
}

/* Without a range: what is new on every watched ref since its last digest. */
static int digest_watched(struct runner *r)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char **patterns = NULL;
	int ret = 0, matched = 0;

	if (!kvmd_watch_patterns(&patterns, r->repo, r->cfg))
		kvmd_die("nothing to digest: give a range <old>..<new>, or set kvmdigest.ref "
			 "(or an upstream for the current branch)");
	if (git_reference_iterator_new(&it, r->repo) < 0)
		kvmd_die("cannot list refs: %s", kvmd_git_error());
	while (git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		struct kvmd_range range;
		int found;

		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    kvmd_watch_matches(patterns, name)) {
			matched++;
			kvmd_buf_reset(&err);
			found = kvmd_watch_since_last(&range, r->repo, r->notes_ref.ptr, name, &err);
			if (found < 0)
				ret = kvmd_error("%s", err.ptr);
			else if (found == 0 && !r->o->quiet)
				fprintf(stderr, "%s: nothing new since the last digest\n", name);
			else if (found > 0 && digest_range(r, &range, &err) < 0)
				ret = kvmd_error("%s", err.ptr);
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (!matched)
		ret = kvmd_error("no ref matches %s%s", patterns[0],
				 patterns[1] ? " (or the other kvmdigest.ref patterns)" : "");
	kvmd_watch_free(patterns);
	kvmd_buf_release(&err);
	return ret;
}

/*
 * What the parser cannot check: values out of their set.  A bad value on
 * the command line is a usage error (129), as a bad option is.
 */
static int check_options(const struct digest_opts *o)
{
	struct kvmd_buf ref = KVMD_BUF_INIT, err = KVMD_BUF_INIT;
	int ret = 0;

	if (o->format && strcmp(o->format, "text") && strcmp(o->format, "json"))
		ret = kvmd_error("option `format' expects \"text\" or \"json\", not '%s'", o->format);
	else if (o->notes_ref && kvmd_notes_ref_expand(&ref, o->notes_ref, &err) < 0)
		ret = kvmd_error("option `notes-ref': %s", err.ptr);
	kvmd_buf_release(&ref);
	kvmd_buf_release(&err);
	return ret;
}

/*
 * --stdout pages as `git log` does (pager.h): -p and --no-pager first,
 * then pager.kvmdigest (a boolean, or the pager to use), else yes.
 */
static void setup_pager(struct runner *r)
{
	const char *value = kvmd_config_get(r->cfg, "pager.kvmdigest");
	const char *program = NULL;
	int want = r->o->pager;

	if (value) {
		int b;

		if (git_config_parse_bool(&b, value) < 0)
			program = value; /* not a boolean: the pager to use */
		else if (want < 0)
			want = b;
	}
	if (!want)
		return;
	if (!program)
		program = kvmd_config_get(r->cfg, "core.pager");
	program = kvmd_pager_program(program);
	if (program)
		kvmd_pager_start(program);
}

static int cmd_digest(int argc, const char **argv)
{
	/* -1: not given, so the configuration or the default decides */
	struct digest_opts o = { .top = -1, .jobs = -1, .progress = -1, .pager = -1 };
	struct kvmd_option digest_options[] = {
		KVMD_OPT_BOOL_(0, "stdout", &o.to_stdout, "print the digest, write no note"),
		KVMD_OPT_STRING_(0, "format", &o.format, "<format>", "text (default) or json; json implies --stdout"),
		KVMD_OPT_STRING_(0, "notes-ref", &o.notes_ref, "<ref>", "write the note in <ref> (default: refs/notes/kvmdigest)"),
		KVMD_OPT_INT_(0, "top", &o.top, "<n>", "show <n> rows per table (default: 15)"),
		KVMD_OPT_STRING_(0, "title", &o.title, "<text>", "the digest's title"),
		KVMD_OPT_STRING_(0, "sections", &o.sections, "<list>", "the sections to show, comma-separated"),
		KVMD_OPT_INT_('j', "jobs", &o.jobs, "<n>", "read with <n> threads (default: the number of cores)"),
		KVMD_OPT_BOOL_(0, "progress", &o.progress, "show progress even when not on a terminal"),
		KVMD_OPT_BOOL_('q', "quiet", &o.quiet, "do not report progress"),
		KVMD_OPT_SET_INT_('p', "paginate", &o.pager, 1, "page --stdout even if pager.kvmdigest is false"),
		KVMD_OPT_SET_INT_(0, "no-pager", &o.pager, 0, "do not page --stdout"),
		KVMD_OPT_SET_INT_(0, "version", &o.version, 1, "print versions and exit"),
		KVMD_OPT_END_(),
	};
	struct kvmd_buf err = KVMD_BUF_INIT;
	struct kvmd_range range;
	struct runner r;
	struct kvmd_packs *packs;
	git_repository *repo;
	int nr, ret;

	nr = kvmd_parse_options(argc, argv, digest_options);
	if (nr == KVMD_PARSE_HELP) {
		kvmd_usage_with_options(digest_usage, digest_options, 0);
		return 129;
	}
	if (nr < 0 || nr > 1 || check_options(&o) < 0) {
		if (nr > 1)
			kvmd_error("too many arguments");
		kvmd_usage_with_options(digest_usage, digest_options, 1);
		return 129;
	}
	/* a list that names no section is a usage error, as git's bad values are */
	if (o.sections && !o.sections[strspn(o.sections, ", ")]) {
		kvmd_error("option `sections' names no section: '%s'", o.sections);
		kvmd_usage_with_options(digest_usage, digest_options, 1);
		return 129;
	}
	if (o.version) {
		print_version();
		return 0;
	}

	repo = open_repository(&packs);
	runner_init(&r, repo, packs, &o);
	if (nr == 1 && kvmd_range_parse(&range, repo, argv[0], &err) < 0)
		kvmd_die("%s", err.ptr);
	if (o.to_stdout || r.json)
		setup_pager(&r);
	if (nr == 1) {
		/* fatal, but after cleaning up: LeakSanitizer checks this path too */
		ret = digest_range(&r, &range, &err) < 0 ? kvmd_fatal("%s", err.ptr) : 0;
	} else {
		ret = digest_watched(&r) < 0 ? 128 : 0;
	}
	runner_release(&r);
	kvmd_buf_release(&err);
	close_repository(repo, packs);
	return ret;
}

/* `hook post-merge [<squash>]`: what the merge brought, ORIG_HEAD..HEAD. */
static int hook_post_merge(struct runner *r, int argc, const char **argv)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	git_oid orig, head;
	struct kvmd_range range;
	int ret = 0;

	if (argc > 0 && !strcmp(argv[0], "1"))
		return 0; /* a squash merge moved nothing */
	if (git_reference_name_to_id(&orig, r->repo, "ORIG_HEAD") < 0 ||
	    git_reference_name_to_id(&head, r->repo, "HEAD") < 0)
		return 0; /* nothing to compare with */
	if (!git_oid_cmp(&orig, &head))
		return 0;
	kvmd_range_set(&range, &orig, &head);
	if (digest_range(r, &range, &err) < 0)
		ret = kvmd_error("%s", err.ptr);
	kvmd_buf_release(&err);
	return ret;
}

/* `hook reference-transaction committed`: "<old> <new> <ref>" lines on stdin. */
static int hook_reference_transaction(struct runner *r, int argc, const char **argv)
{
	char line[4096];
	struct kvmd_buf err = KVMD_BUF_INIT;
	char **patterns = NULL;
	int ret = 0;

	if (argc < 1 || strcmp(argv[0], "committed"))
		return 0;
	if (!kvmd_watch_patterns(&patterns, r->repo, r->cfg))
		return 0;
	while (fgets(line, sizeof(line), stdin)) {
		char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1], name[4000];
		git_oid old, new;
		git_object *obj = NULL, *peeled = NULL;
		struct kvmd_range range;

		if (sscanf(line, "%40s %40s %3999s", old_hex, new_hex, name) != 3 ||
		    !kvmd_watch_matches(patterns, name) ||
		    git_oid_fromstr(&old, old_hex) < 0 || git_oid_fromstr(&new, new_hex) < 0 ||
		    git_oid_is_zero(&new))
			continue;
		if (git_oid_is_zero(&old)) {
			/* `git update-ref <ref> <new>` gives no old value: ask the reflog */
			int found;

			kvmd_buf_reset(&err);
			found = kvmd_watch_since_last(&range, r->repo, r->notes_ref.ptr, name, &err);
			if (found > 0 && digest_range(r, &range, &err) < 0)
				ret = kvmd_error("%s", err.ptr);
			else if (found < 0)
				fprintf(stderr, "%s: not digested: %s\n", name, err.ptr);
			continue;
		}
		if (git_object_lookup(&obj, r->repo, &new, GIT_OBJECT_ANY) < 0 ||
		    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(obj);
			continue; /* not a commit: nothing to digest */
		}
		kvmd_range_set(&range, &old, git_object_id(peeled));
		kvmd_buf_reset(&err);
		if (digest_range(r, &range, &err) < 0)
			ret = kvmd_error("%s", err.ptr);
		git_object_free(peeled);
		git_object_free(obj);
	}
	kvmd_watch_free(patterns);
	kvmd_buf_release(&err);
	return ret;
}

/* `hook <name> <args>`: what the installed hook scripts call. */
static int cmd_hook(int argc, const char **argv)
{
	/* quiet, and never progress: a hook's output goes to the user's fetch */
	struct digest_opts o = { .quiet = 1, .top = -1, .jobs = -1, .progress = 0, .pager = 0 };
	struct kvmd_packs *packs;
	git_repository *repo;
	struct runner r;
	int ret = 0;

	if (argc < 2)
		kvmd_die("hook: which hook?");
	repo = open_repository(&packs);
	runner_init(&r, repo, packs, &o);
	if (!strcmp(argv[1], "post-merge"))
		ret = hook_post_merge(&r, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "reference-transaction"))
		ret = hook_reference_transaction(&r, argc - 2, argv + 2);
	else
		kvmd_die("hook: unknown hook '%s'", argv[1]);
	runner_release(&r);
	close_repository(repo, packs);
	return ret < 0 ? 128 : 0;
}

static int cmd_hooks(int argc, const char **argv, int install)
{
	struct kvmd_option options[] = { KVMD_OPT_END_() };
	struct kvmd_buf dir = KVMD_BUF_INIT, src = KVMD_BUF_INIT;
	struct kvmd_buf report = KVMD_BUF_INIT, err = KVMD_BUF_INIT;
	const char *const *usage = install ? install_usage : uninstall_usage;
	git_repository *repo;
	int nr, ret;

	nr = kvmd_parse_options(argc, argv, options);
	if (nr != 0) {
		if (nr > 0)
			kvmd_error("too many arguments");
		kvmd_usage_with_options(usage, options, nr != KVMD_PARSE_HELP);
		return 129;
	}
	repo = open_repository(NULL);
	if (kvmd_hooks_dir(&dir, repo, &err) < 0)
		kvmd_die("%s", err.ptr);
	if (install) {
		kvmd_hooks_source(&src, KVMD_SHAREDIR);
		ret = kvmd_hooks_install(dir.ptr, src.ptr, &report, &err);
	} else {
		ret = kvmd_hooks_uninstall(dir.ptr, &report, &err);
	}
	fputs(report.ptr, stdout);
	if (ret < 0)
		kvmd_die("%s", err.ptr);
	if (install)
		printf("hint: digests are noted in refs/notes/kvmdigest after every pull and fetch;\n"
		       "hint: see them in git log with\n"
		       "hint:   git config --add notes.displayRef refs/notes/kvmdigest\n"
		       "hint: and share them with a remote <name> with\n"
		       "hint:   git config --add remote.<name>.fetch '+refs/notes/kvmdigest:refs/notes/kvmdigest'\n"
		       "hint:   git push <name> refs/notes/kvmdigest\n");
	kvmd_buf_release(&dir);
	kvmd_buf_release(&src);
	kvmd_buf_release(&report);
	kvmd_buf_release(&err);
	close_repository(repo, NULL);
	return 0;
}

/*
 * libgit2's process-wide settings, made before anything is read (resolving
 * a range reads too).  git never re-hashes the objects it reads; libgit2
 * does by default, which costs a whole-archive digest a third of its time.
 * Every commit, tree and blob of a digest is read once, so libgit2's
 * object cache (256 MiB by default) would only make memory grow with the
 * range.  bench/RESULTS.md has the figures.
 */
/* No kvmd_die(): it allocates. */
static void die_oom(size_t size)
{
	fprintf(stderr, "fatal: out of memory, malloc failed (tried to allocate %zu bytes)\n",
		size);
	exit(128);
}

static void set_libgit2_policy(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

static int cmd_install_hooks(int argc, const char **argv)
{
	return cmd_hooks(argc, argv, 1);
}

static int cmd_uninstall_hooks(int argc, const char **argv)
{
	return cmd_hooks(argc, argv, 0);
}

/* `git kvmdigest <name> ...`; anything else is the digest's own options. */
static const struct subcommand {
	const char *name;
	int (*fn)(int argc, const char **argv); /* argv[0] is the name */
} subcommands[] = {
	{ "install-hooks", cmd_install_hooks },
	{ "uninstall-hooks", cmd_uninstall_hooks },
	{ "hook", cmd_hook },
};

static int run_command(int argc, const char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	return cmd_digest(argc, argv);
}

int main(int argc, const char **argv)
{
	int ret;

	/* `git kvmdigest --help` is git's business; called directly, ask git too */
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		execlp("git", "git", "help", "kvmdigest", (char *)NULL);
		kvmd_die("cannot run git help kvmdigest");
	}
	kvmd_set_oom_handler(die_oom);
	git_libgit2_init();
	set_libgit2_policy();
	kvmd_mail_global_init();
	/*
	 * As git does at start, and after g_mime_init(), which ignores it: a
	 * SIGPIPE ignored (by GMime, or whoever started us) would turn
	 * `| head` into "cannot write" errors (see check_pipe()).
	 */
	signal(SIGPIPE, SIG_DFL);
	/*
	 * Past `ulimit -f`, a write fails with EFBIG instead of killing us:
	 * the spill file then keeps entries in memory, as on a full disk.
	 */
	signal(SIGXFSZ, SIG_IGN);
	ret = run_command(argc, argv);
	git_libgit2_shutdown();
	return ret;
}
