/*
 * git-kvmdigest: digest what a fetch brought into a git note.
 *
 * The front end only: usage, options, configuration, subcommands and
 * exit codes (0 done, 128 fatal, 129 usage).  Everything else lives in
 * lib/, one module per concept.
 */
#define _GNU_SOURCE /* fopencookie(): the hook log's timestamps */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "lib/applied.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/digest.h"
#include "lib/hooks.h"
#include "lib/index.h"
#include "lib/inbox.h"
#include "lib/link.h"
#include "lib/mail.h"
#include "lib/maintainers.h"
#include "lib/notes.h"
#include "lib/options.h"
#include "lib/pack.h"
#include "lib/range.h"
#include "lib/render.h"
#include "lib/scan.h"
#include "lib/status.h"
#include "lib/usage.h"
#include "lib/watch.h"
#include "pager.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <gmime/gmime.h>
#include <pcre2.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
	"git kvmdigest [<options>] [<old>..<new> | <revision>] [-- <path>...]",
	"git kvmdigest fetch",
	"git kvmdigest index",
	"git kvmdigest install-hooks",
	"git kvmdigest uninstall-hooks",
	NULL,
};

static const char *const install_usage[] = { "git kvmdigest install-hooks [--no-fetch-hook]", NULL };
static const char *const uninstall_usage[] = { "git kvmdigest uninstall-hooks", NULL };
static const char *const index_usage[] = { "git kvmdigest index [--rebuild] [<rev>...]", NULL };

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
	const char **paths;		/* after "--", or kvmdigest.pathspec in hooks */
	size_t paths_nr;
	const char *since, *until;	/* --since, --until as given */
	int has_since, has_until;	/* and as seconds since the epoch: */
	git_time_t since_ts, until_ts;
	int links;  /* --links 1, --no-links 0, else -1: kvmdigest.links decides */
	const char *group_by;		/* --group-by, else kvmdigest.groupBy */
	struct kvmd_string_list areas;	/* --area, each */
};

/*
 * A digest rendered and not yet written: the fetch hook's background
 * digest renders while git finishes, and writes the note once git is
 * gone and the range is still the same (see background_digest()).
 */
struct held_digest {
	int held;               /* range and text are set */
	struct kvmd_range range;
	struct kvmd_buf text;   /* empty: nothing to digest in the range */
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
	const char *archive;  /* the ref (or revision) the next range is of, for the index */
	int index_warned;     /* the index's one warning is given */
	struct kvmd_buf link_base; /* kvmdigest.linkBase, else the digested ref's remote's */
	int link_base_set;         /* kvmdigest.linkBase gave it: no remote asked */
	int group_by_area;
	/* HEAD's MAINTAINERS, read once a run when areas are shown (NULL: none) */
	struct kvmd_maintainers *maintainers;
	int maintainers_read;
	struct held_digest *hold;  /* set: digest_range() renders here, writes nothing */
	size_t reader_min;         /* kvmd_scan_opts.reader_min */
	int hook;                  /* a hook's digest: applied/posted when they can be */
	struct index_preopen *preopen; /* the next index_open()'s, started early */
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
static void attach_packs(git_repository *repo, struct kvmd_packs **packs)
{
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

static git_repository *open_repository(struct kvmd_packs **packs)
{
	git_repository *repo = NULL;
	char *work_tree = getenv("GIT_WORK_TREE") ? kvmd_xstrdup(getenv("GIT_WORK_TREE")) : NULL;
	int error, major, minor, rev;

	/*
	 * Honours GIT_DIR and friends, as `git --git-dir` and hooks need;
	 * libgit2 reads them only when given no path.  libgit2 1.5 refuses
	 * GIT_WORK_TREE ("unimplemented"), which git sets for
	 * `git --work-tree=...` and in the hooks of a linked worktree: open
	 * without it, then set the work tree as git would.
	 */
	if (work_tree)
		unsetenv("GIT_WORK_TREE");
	error = git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (work_tree) {
		setenv("GIT_WORK_TREE", work_tree, 1);
		if (!error && *work_tree && !git_repository_is_bare(repo) &&
		    git_repository_set_workdir(repo, work_tree, 0) < 0)
			error = -1;
		free(work_tree);
	}
	if (error == GIT_ENOTFOUND)
		kvmd_die("not a git repository (or any of the parent directories): %s",
			 kvmd_git_error());
	if (error < 0) {
		/* found, but not for libgit2: say whose limit it is (see the man page) */
		git_libgit2_version(&major, &minor, &rev);
		kvmd_die("libgit2 %d.%d.%d cannot open this repository: %s",
			 major, minor, rev, kvmd_git_error());
	}
	if (packs)
		attach_packs(repo, packs);
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
	const char *base;

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
	if (!o->group_by && (o->group_by = kvmd_config_get(r->cfg, "kvmdigest.groupBy")) &&
	    strcmp(o->group_by, "area") && strcmp(o->group_by, "none"))
		kvmd_die("bad config value '%s' for 'kvmdigest.groupBy': expected \"area\" or \"none\"",
			 o->group_by);
	r->group_by_area = o->group_by && !strcmp(o->group_by, "area");
	if (o->links < 0 && kvmd_config_get_bool(&o->links, r->cfg, "kvmdigest.links", &err) < 0)
		kvmd_die("%s", err.ptr);
	kvmd_buf_init(&r->link_base);
	base = kvmd_config_get(r->cfg, "kvmdigest.linkBase");
	if (base) {
		if (kvmd_link_base_from_config(&r->link_base, base, &err) < 0)
			kvmd_die("bad config value '%s' for 'kvmdigest.linkBase': %s", base, err.ptr);
		r->link_base_set = 1;
	}
	kvmd_buf_release(&err);
}

/*
 * The links' base for a digest of `ref`: kvmdigest.linkBase, else from
 * the URL of the remote `ref` is a remote-tracking ref of
 * (refs/remotes/<remote>/...; a remote's name may hold `/`, so the
 * longest that has a URL wins).  The URL as configured comes first, so
 * that an archive fetched from a mirror through url.<mirror>.insteadOf
 * still links to lore; then as libgit2 rewrites it with insteadOf.  No
 * base (no links) otherwise, or when `ref` is NULL.
 */
static void set_link_ref(struct runner *r, const char *ref)
{
	struct kvmd_buf key = KVMD_BUF_INIT;
	const char *name, *end;

	if (r->link_base_set)
		return;
	kvmd_buf_reset(&r->link_base);
	if (!ref || strncmp(ref, "refs/remotes/", 13))
		return;
	name = ref + 13;
	for (end = strrchr(name, '/'); end && end > name; ) {
		git_remote *remote = NULL;
		const char *url;
		int found = 0;

		kvmd_buf_reset(&key);
		kvmd_buf_addf(&key, "remote.%.*s.url", (int)(end - name), name);
		url = kvmd_config_get(r->cfg, key.ptr);
		if (url) {
			found = kvmd_link_base_from_url(&r->link_base, url);
			kvmd_buf_reset(&key);
			kvmd_buf_add(&key, name, (size_t)(end - name));
			if (!found && !git_remote_lookup(&remote, r->repo, key.ptr) &&
			    git_remote_url(remote))
				kvmd_link_base_from_url(&r->link_base, git_remote_url(remote));
			git_remote_free(remote);
			break;
		}
		while (--end > name && *end != '/')
			;
	}
	kvmd_buf_release(&key);
}

/*
 * The same for a range given by hand: the remote of the ref its new side
 * names (kvm-lore/master@{1}..kvm-lore/master), else of the first
 * watched ref (kvmdigest.ref, else the upstream) that has one, so that
 * a range of hashes links as the hooks' digests do.
 */
static void set_link_spec(struct runner *r, const char *spec)
{
	const char *dots = strstr(spec, "..");
	struct kvmd_buf name = KVMD_BUF_INIT;
	git_reference *ref = NULL;
	git_object *obj = NULL;
	char **patterns = NULL, **p;

	if (!git_revparse_ext(&obj, &ref, r->repo, dots ? dots + 2 : spec) && ref)
		set_link_ref(r, git_reference_name(ref));
	git_object_free(obj);
	git_reference_free(ref);
	if (r->link_base.len || r->link_base_set ||
	    !kvmd_watch_patterns(&patterns, r->repo, r->cfg))
		return;
	for (p = patterns; *p && !r->link_base.len; p++) {
		kvmd_buf_reset(&name);
		if (strncmp(*p, "refs/", 5))
			kvmd_buf_adds(&name, "refs/remotes/");
		kvmd_buf_adds(&name, *p);
		set_link_ref(r, name.ptr);
	}
	kvmd_buf_release(&name);
	kvmd_watch_free(patterns);
}

static void preopen_finish(struct runner *r);

static void runner_release(struct runner *r)
{
	preopen_finish(r);
	kvmd_maintainers_free(r->maintainers);
	kvmd_buf_release(&r->link_base);
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
	const char *title; /* "Digesting" when NULL */
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
	fprintf(stderr, "%s: %3d%% (%zu/%zu)\r", p->title ? p->title : "Digesting", pct,
		done, total);
	fflush(stderr);
	p->shown = pct;
}

static void end_progress(const struct progress *p)
{
	if (progress_due(p))
		fprintf(stderr, "%s: 100%% (%zu/%zu), done.\n", p->title ? p->title : "Digesting",
			p->total, p->total);
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
 * The archive index (lib/index.h) for one run: the status sections read
 * it, and a digest keeps it current once it exists.  It is a cache: what
 * goes wrong with it costs the run the status sections and one warning,
 * never the digest.
 */
struct index_run {
	struct kvmd_index *ix;
	struct kvmd_buf path;
	struct kvmd_buf err;  /* the first failure of index_mail() */
	int failed;
	int in_range;         /* what index_mail() marks the mails */
	int mark_only;        /* the range is indexed: only mark its mails */
	size_t added;
};

/* Gives up the index for this run: one warning per run, whatever fails. */
static void index_drop(struct runner *r, struct index_run *ir, const char *why)
{
	if (!r->index_warned)
		kvmd_warning("cannot use the archive index '%s': %s; digesting without it",
			     ir->path.ptr, why);
	r->index_warned = 1;
	kvmd_index_free(ir->ix);
	ir->ix = NULL;
}

static void index_init(struct runner *r, struct index_run *ir)
{
	memset(ir, 0, sizeof(*ir));
	kvmd_buf_init(&ir->path);
	kvmd_buf_init(&ir->err);
	kvmd_index_path(&ir->path, r->repo);
}

static void index_release(struct index_run *ir)
{
	kvmd_index_free(ir->ix);
	kvmd_buf_release(&ir->path);
	kvmd_buf_release(&ir->err);
}

/* The scan's mail callback: one row per mail, the first failure kept. */
static void index_mail(const char *commit, const char *blob, const struct kvmd_status_msg *m,
		       void *data)
{
	struct index_run *ir = data;
	struct kvmd_status_msg copy = *m;

	if (ir->failed)
		return;
	copy.in_range = ir->in_range;
	if (ir->mark_only ? kvmd_index_mark_mail(ir->ix, m, &ir->err) < 0 :
	    kvmd_index_add(ir->ix, commit, blob, &copy, &ir->err) < 0)
		ir->failed = 1;
	else
		ir->added++;
}

/*
 * kvmd_index_begin(), and once more from an empty file when the file is
 * not a database (a cache: start again).  Prints nothing: it also runs
 * on the pre-opening thread.
 */
static int index_begin(struct kvmd_index **ix, int *rebuilt, const char *path, int timeout,
		       int rebuild, struct kvmd_buf *err)
{
	int ret;

	*rebuilt = 0;
	ret = kvmd_index_begin(ix, path, timeout, rebuild, rebuilt, err);
	if (ret == KVMD_INDEX_CORRUPT) {
		kvmd_buf_reset(err);
		if (kvmd_index_remove(path, err) == 0)
			ret = kvmd_index_begin(ix, path, timeout, 1, NULL, err);
		*rebuilt = 1;
	}
	return ret;
}

/*
 * The index opened on a thread of its own while the front end goes on
 * (the range is parsed: `master~1000..master` walks a thousand commits,
 * 10 ms with the other core idle), for the next index_open() to take.
 * The connection is used by one thread at a time: this one, then,
 * after pthread_join(), the main one.  It waits for no lock and mends
 * nothing: an index that is busy, damaged or anything but ready to use
 * is left to index_open(), once the range is known to be one.
 */
struct index_preopen {
	pthread_t thread;
	struct kvmd_buf path, err;
	struct kvmd_index *ix;
	int ret, rebuilt;
};

static void *preopen_run(void *data)
{
	struct index_preopen *p = data;

	p->ret = kvmd_index_begin(&p->ix, p->path.ptr, 0, 0, &p->rebuilt, &p->err);
	return NULL;
}

static int index_timeout(struct runner *r)
{
	int timeout = 60000;

	config_count(&timeout, r->cfg, "kvmdigest.indexTimeout");
	return timeout;
}

static void preopen_free(struct index_preopen *p)
{
	if (!p)
		return;
	kvmd_index_free(p->ix);
	kvmd_buf_release(&p->path);
	kvmd_buf_release(&p->err);
	free(p);
}

/* Starts opening the index at `path` for the next index_open(); nothing when it cannot. */
static void preopen_start(struct runner *r, const char *path)
{
	struct index_preopen *p = kvmd_xcalloc(1, sizeof(*p));

	kvmd_buf_init(&p->path);
	kvmd_buf_init(&p->err);
	kvmd_buf_adds(&p->path, path);
	if (pthread_create(&p->thread, NULL, preopen_run, p)) {
		preopen_free(p);
		return;
	}
	r->preopen = p;
}

/* Waits for the pre-opening and gives its index back, or frees it. */
static struct index_preopen *preopen_take(struct runner *r)
{
	struct index_preopen *p = r->preopen;

	if (p)
		pthread_join(p->thread, NULL);
	r->preopen = NULL;
	return p;
}

/* A pre-opening nobody took: its transaction rolled back. */
static void preopen_finish(struct runner *r)
{
	preopen_free(preopen_take(r));
}

/*
 * Opens the index (ir->path, from index_init()) and starts the run's
 * transaction: a damaged file is removed and built again; the index
 * preopen_start() opened, when it is that file.  0, or -1 after the
 * warning (or, when `die` is set, fatal).
 */
static int index_open(struct runner *r, struct index_run *ir, int rebuild, int die)
{
	struct index_preopen *p = preopen_take(r);
	struct kvmd_buf err = KVMD_BUF_INIT;
	int rebuilt = 0, ret;

	if (p && p->ret == 0 && !rebuild && !strcmp(p->path.ptr, ir->path.ptr)) {
		ir->ix = p->ix;
		p->ix = NULL;
		rebuilt = p->rebuilt;
		kvmd_index_set_timeout(ir->ix, index_timeout(r));
	}
	/* before index_begin(): its transaction would hold the lock that one waits for */
	preopen_free(p);
	ret = ir->ix ? 0 : index_begin(&ir->ix, &rebuilt, ir->path.ptr, index_timeout(r),
				       rebuild, &err);
	if (ret < 0 && die)
		kvmd_die("cannot use the archive index '%s': %s", ir->path.ptr, err.ptr);
	if (ret < 0)
		index_drop(r, ir, err.ptr);
	else if (rebuilt && !r->o->quiet)
		fprintf(stderr, "rebuilding the archive index %s\n", ir->path.ptr);
	kvmd_buf_release(&err);
	return ret < 0 ? -1 : 0;
}

/*
 * Indexes the history of `upto` that the index lacks: from the indexed
 * tip it descends from, else all of it (an archive's first run), with
 * progress on a terminal.  0, or -1 with the reason in `err`.
 */
static int index_history(struct runner *r, struct index_run *ir, const git_oid *upto,
			 struct kvmd_buf *err)
{
	struct progress progress = { .title = "Indexing", .shown = -1 };
	struct kvmd_scan_opts scan = {
		.progress = show_progress,
		.skipped = NULL, /* the digest says what it skips */
		.report_data = &progress,
		.config = r->cfg,
		.jobs = r->o->jobs > 0 ? r->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN),
		.packs = r->packs,
		.mail = index_mail,
		.mail_data = ir,
	};
	struct kvmd_range range;
	git_oid from;
	int covered, found, ret;

	found = kvmd_index_start(&from, &covered, ir->ix, r->repo, upto, err);
	if (found < 0)
		return -1;
	if ((found && git_oid_equal(&from, upto)) || (!found && covered))
		return 0;
	kvmd_range_set(&range, found ? &from : NULL, upto);
	if (scan.jobs < 1)
		scan.jobs = 1;
	if (scan.jobs > JOBS_MAX)
		scan.jobs = JOBS_MAX;
	if (delta_cache_size(&scan.delta_cache, r, &range, err) < 0)
		return -1;
	if (!r->o->quiet)
		progress.mode = r->o->progress > 0 ? 2 : r->o->progress < 0 && isatty(2) ? 1 : 0;
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	ir->in_range = 0;
	ret = kvmd_scan(NULL, r->repo, &range, &scan, err); /* no digest: the index only */
	if (ret < 0)
		return -1;
	end_progress(&progress);
	if (ir->failed) {
		kvmd_buf_adds(err, ir->err.ptr);
		return -1;
	}
	return 0;
}

/*
 * After the range's scan: the series worked out, the tip recorded, and
 * for the status sections the model loaded (*status).  The run's
 * transaction is committed.  0, or -1 with the reason in `err`.
 */
static int index_finish(struct runner *r, struct index_run *ir, const struct kvmd_range *range,
			int top, struct kvmd_status **status, struct kvmd_buf *err)
{
	const char **ignore = kvmd_config_get_all(r->cfg, "kvmdigest.ignoreFrom");
	struct kvmd_index_load_opts load = { .wait_days = 7, .ignore_from = ignore, .top = (size_t)top };
	struct kvmd_status_opts so;
	int64_t now = 0;

	if (ir->failed) {
		kvmd_buf_adds(err, ir->err.ptr);
		return -1;
	}
	if (!ir->mark_only && (kvmd_index_update_series(ir->ix, err) < 0 ||
			       kvmd_index_set_tip(ir->ix, &range->new, err) < 0))
		return -1;
	if (status) {
		config_count(&load.wait_days, r->cfg, "kvmdigest.waitDays");
		while (ignore[load.nignore_from])
			load.nignore_from++;
		load.now = &now;
		*status = kvmd_status_new();
		memset(&so, 0, sizeof(so));
		if (kvmd_index_load(*status, ir->ix, &load, err) < 0)
			return -1;
		so.wait_days = load.wait_days;
		so.now = now;
		so.ignore_from = ignore;
		so.nignore_from = load.nignore_from;
		if (kvmd_status_finish(*status, &so, err) < 0)
			return -1;
	}
	return 0; /* the caller commits, once applied_finish() has asked too */
}

/*
 * Issue 14's applied and posted sections for one digest (lib/applied.h):
 * the scan hands over each code commit with its patch-id; before the
 * status model is loaded the engine refreshes the applied refs, stores
 * those commits and finds the mails they were posted as (marked, so the
 * model loads their threads); after, it finds the commits the model's
 * patches became.  Like the index, a failure costs the sections and one
 * warning, never the digest.
 */
struct code_seen {
	git_oid commit, patch_id;
	int has_id;
};

struct post_found {
	char commit[GIT_OID_HEXSZ + 1];
	char *message_id;
	int64_t date;
	int version, by_subject;
};

struct applied_run {
	struct kvmd_applied *a;
	size_t nrefs;             /* kvmdigest.appliedRef values */
	int known;                /* the lookups ran */
	struct code_seen *code;
	size_t ncode, acode;
	struct post_found *posts;
	size_t nposts, aposts;
};

/* The scan's code callback: one commit and its patch-id. */
static void applied_code(const git_oid *commit, const git_oid *patch_id, void *data)
{
	struct applied_run *ar = data;
	struct code_seen *c;

	KVMD_ALLOC_GROW(ar->code, ar->ncode + 1, ar->acode);
	c = &ar->code[ar->ncode++];
	git_oid_cpy(&c->commit, commit);
	c->has_id = patch_id != NULL;
	if (patch_id)
		git_oid_cpy(&c->patch_id, patch_id);
}

static void applied_release(struct applied_run *ar)
{
	size_t i;

	kvmd_applied_free(ar->a);
	for (i = 0; i < ar->nposts; i++)
		free(ar->posts[i].message_id);
	free(ar->posts);
	free(ar->code);
	memset(ar, 0, sizeof(*ar));
}

/*
 * Before the model loads: refresh the `nrefs` kvmdigest.appliedRef
 * values `refs`, store the code commits, find their mails.
 */
static int applied_start(struct runner *r, struct index_run *ir, struct applied_run *ar,
			 const char **refs, size_t nrefs, struct kvmd_buf *err)
{
	int jobs = r->o->jobs > 0 ? r->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	size_t i;

	ar->nrefs = nrefs;
	if (kvmd_applied_open(&ar->a, ir->ix, r->repo, refs, ar->nrefs, err) < 0 ||
	    (ar->nrefs && kvmd_applied_refresh(ar->a, jobs > 0 ? jobs : 1, NULL, err) < 0))
		return -1;
	for (i = 0; i < ar->ncode; i++) {
		const git_oid *pid = ar->code[i].has_id ? &ar->code[i].patch_id : NULL;
		struct kvmd_applied_post post;
		git_commit *c = NULL;
		struct post_found *f;
		int found;

		if (git_commit_lookup(&c, r->repo, &ar->code[i].commit) < 0) {
			kvmd_buf_addf(err, "cannot read a digested commit: %s", kvmd_git_error());
			return -1;
		}
		found = kvmd_applied_store_commit(ar->a, c, pid, err) < 0 ? -1 :
			kvmd_applied_posted(&post, ar->a, c, pid, err);
		git_commit_free(c);
		if (found < 0 || (found && kvmd_index_mark(ir->ix, post.message_id, err) < 0))
			return -1;
		if (!found)
			continue;
		KVMD_ALLOC_GROW(ar->posts, ar->nposts + 1, ar->aposts);
		f = &ar->posts[ar->nposts++];
		git_oid_tostr(f->commit, sizeof(f->commit), &ar->code[i].commit);
		f->message_id = kvmd_xstrdup(post.message_id);
		f->date = post.date;
		f->version = post.version;
		f->by_subject = post.how == KVMD_APPLIED_SUBJECT;
	}
	return 0;
}

static int applied_match(const struct kvmd_applied_match *m, void *data)
{
	kvmd_status_add_applied(data, m->message_id, m->commit, m->ref,
				m->how == KVMD_APPLIED_SUBJECT ? KVMD_MATCH_SUBJECT :
				KVMD_MATCH_PATCH_ID);
	return 0;
}

/*
 * After the model loaded: the commits its patches became, and each
 * posted commit's follow-ups (its cover letter's, then its own).
 */
static int applied_finish(struct applied_run *ar, struct kvmd_status *status,
			  struct kvmd_digest *d, struct kvmd_buf *err)
{
	const struct kvmd_status_series *const *series;
	size_t nr = kvmd_status_series(status, &series), nids = 0, i, k;
	const char **ids = NULL;
	int ret = 0;

	for (i = 0; i < nr; i++)
		if (series[i]->in_applied)
			nids += series[i]->npatches;
	if (ar->nrefs && nids) {
		ids = kvmd_xcalloc(nids, sizeof(*ids));
		for (i = 0, nids = 0; i < nr; i++)
			for (k = 0; series[i]->in_applied && k < series[i]->npatches; k++)
				ids[nids++] = series[i]->patches[k].message_id;
		ret = kvmd_applied_for_mail(ar->a, ids, nids, applied_match, status, err);
		free(ids);
	}
	for (i = 0; !ret && i < ar->nposts; i++) {
		const struct kvmd_status_series *s = NULL;
		const struct kvmd_status_patch *p =
			kvmd_status_find_patch(status, ar->posts[i].message_id, &s);
		struct kvmd_followup *f = NULL;
		struct kvmd_posted posted = {
			.message_id = ar->posts[i].message_id,
			.date = ar->posts[i].date,
			.version = ar->posts[i].version,
			.by_subject = ar->posts[i].by_subject,
		};

		if (p) {
			posted.nfollowups = s->nfollowups + p->nfollowups;
			f = kvmd_xcalloc(posted.nfollowups + 1, sizeof(*f));
			if (s->nfollowups)
				memcpy(f, s->followups, s->nfollowups * sizeof(*f));
			if (p->nfollowups)
				memcpy(f + s->nfollowups, p->followups, p->nfollowups * sizeof(*f));
			posted.followups = f;
		}
		kvmd_digest_set_posted(d, ar->posts[i].commit, &posted);
		free(f);
	}
	ar->known = !ret;
	return ret ? -1 : 0;
}

/* Writes the digest `text` of `range` into its note; 0, or -1 with the reason in `err`. */
static int write_note(struct runner *r, const struct kvmd_range *range,
		      const struct kvmd_buf *text, struct kvmd_buf *err)
{
	struct kvmd_buf label = KVMD_BUF_INIT;
	int written;

	kvmd_buf_addf(&label, "kvmdigest: %s..%s", range->has_old ? range->old_hex : "root",
		      range->new_hex);
	written = kvmd_notes_add_section(r->repo, r->notes_ref.ptr, &range->new, text->ptr,
					 text->len, label.ptr, err);
	range_label(&label, range);
	if (written >= 0 && !r->o->quiet)
		fprintf(stderr, "%s the digest of %s in %s\n",
			written ? "noted" : "already noted", label.ptr, r->notes_ref.ptr);
	kvmd_buf_release(&label);
	return written < 0 ? -1 : 0;
}

/*
 * The checkout's MAINTAINERS (HEAD's), read on the first range that
 * shows areas and kept for the others of the run; NULL when there is
 * none, and for the digests that show no area (the default text).
 */
static const struct kvmd_maintainers *want_maintainers(struct runner *r)
{
	struct kvmd_buf err = KVMD_BUF_INIT;

	if (!r->json && !r->group_by_area && !r->o->areas.nr &&
	    !(r->sections & KVMD_SECTION_AREAS))
		return NULL;
	if (!r->maintainers_read) {
		r->maintainers_read = 1;
		if (kvmd_maintainers_read(&r->maintainers, r->repo, "HEAD", &err) < 0)
			kvmd_warning("%s; code commits get no area", err.ptr);
	}
	kvmd_buf_release(&err);
	return r->maintainers;
}

/*
 * Whether a digest of one range will open the archive index that
 * exists (a digest also keeps it current): never one that does not, so
 * that nothing creates it before the range is known to be one.
 */
static int digest_opens_index(struct runner *r, const char *index_path)
{
	return !r->hold && kvmd_index_exists(index_path);
}

/*
 * Digests one range into a note (or standard output).  Returns 0, or -1
 * after printing an error: the caller decides whether that is fatal.
 * With r->hold, renders into it and writes nothing; 1 (nothing held)
 * when the archive index takes part, whose rows are written with the
 * note.
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
		.reader_min = r->reader_min,
		.packs = r->packs,
	};
	struct kvmd_render_opts render;
	struct kvmd_digest *d = kvmd_digest_new();
	struct kvmd_status *status = NULL;
	struct index_run ir;
	struct applied_run ar = { 0 };
	unsigned sections = r->sections;
	int want_status, want_applied, want_posted, ret = -1, use_index;
	/*
	 * The list itself is read after the scan: a kvmd_config_get_all()
	 * ends the life of the last one, range->paths (kvmdigest.pathspec).
	 */
	int has_applied = kvmd_config_get(r->cfg, "kvmdigest.appliedRef") != NULL;
	const char **applied_refs = NULL;
	size_t napplied = 0;

	if (scan.jobs < 1)
		scan.jobs = 1;
	if (scan.jobs > JOBS_MAX)
		scan.jobs = JOBS_MAX;
	index_init(r, &ir);	/* first: every way out releases it */
	/* hooks: where patches went, once the index and an applied ref are there */
	if (r->hook && has_applied && kvmd_index_exists(ir.path.ptr))
		sections |= KVMD_SECTION_APPLIED | KVMD_SECTION_POSTED;
	/* an applied series waits no more: `waiting` asks too, once there are applied refs */
	want_posted = r->json || (sections & KVMD_SECTION_POSTED);
	want_applied = want_posted || (sections & KVMD_SECTION_APPLIED) ||
		((sections & KVMD_SECTION_WAITING) && has_applied);
	want_status = want_applied || (sections & KVMD_SECTIONS_STATUS);
	if (delta_cache_size(&scan.delta_cache, r, range, err) < 0)
		goto cleanup;
	/* on a terminal (not in hooks or pipes), unless -q; --progress forces it */
	if (!r->o->quiet)
		progress.mode = r->o->progress > 0 ? 2 : r->o->progress < 0 && isatty(2) ? 1 : 0;
	/*
	 * The index: filled when the status sections ask for it, kept
	 * current once it exists; the first run of an archive indexes the
	 * history before the range first.
	 */
	use_index = want_status || kvmd_index_exists(ir.path.ptr);
	if (use_index && r->hold) {
		ret = 1;
		goto cleanup;
	}
	if (use_index && index_open(r, &ir, 0, 0) == 0) {
		kvmd_buf_reset(&label);
		/* a range whose history is indexed (a digest again) writes nothing */
		if (kvmd_index_archive(ir.ix, r->archive ? r->archive : range_label(&label, range),
				       &label) < 0 ||
		    (ir.mark_only = kvmd_index_has_tip(ir.ix, &range->new, &label)) < 0 ||
		    (range->has_old && !ir.mark_only &&
		     /* a code range (a kernel pull) has no mails to index */
		     kvmd_inbox_is_archive_commit(r->repo, &range->new) &&
		     index_history(r, &ir, &range->old, &label) < 0)) {
			index_drop(r, &ir, label.ptr);
		} else {
			ir.in_range = 1;
			scan.mail = index_mail;
			scan.mail_data = &ir;
			scan.mail_ids_only = ir.mark_only;
			if (want_posted) {
				scan.code = applied_code;
				scan.code_data = &ar;
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	if (r->o->areas.nr)
		kvmd_digest_only_areas(d, r->o->areas.v, r->o->areas.nr);
	scan.maintainers = want_maintainers(r);
	if (kvmd_scan(d, r->repo, range, &scan, err) < 0)
		goto cleanup;
	end_progress(&progress);
	kvmd_digest_finish(d);
	applied_refs = kvmd_config_get_all(r->cfg, "kvmdigest.appliedRef");
	while (applied_refs && applied_refs[napplied])
		napplied++;
	kvmd_buf_reset(&label);
	if (ir.ix && want_applied && applied_start(r, &ir, &ar, applied_refs, napplied, &label) < 0) {
		kvmd_warning("cannot look up where patches went: %s", label.ptr);
		applied_release(&ar);
	}
	if (ir.ix) {
		kvmd_buf_reset(&label);
		if (index_finish(r, &ir, range, r->o->top >= 0 ? r->o->top : KVMD_DEFAULT_TOP,
				 want_status ? &status : NULL, &label) < 0) {
			kvmd_status_free(status);
			status = NULL;
			ar.known = 0;
			index_drop(r, &ir, label.ptr);
		} else if (ar.a && status && applied_finish(&ar, status, d, &label) < 0) {
			kvmd_warning("cannot look up where patches went: %s", label.ptr);
			kvmd_buf_reset(&label);
		}
	}
	if (ir.ix && kvmd_index_commit(ir.ix, &label) < 0) {
		kvmd_status_free(status);
		status = NULL;
		ar.known = 0;
		index_drop(r, &ir, label.ptr);
	}
	range_label(&label, range);
	if (!kvmd_digest_mail_count(d) && !kvmd_digest_code_count(d) &&
	    !kvmd_digest_skipped(d, NULL)) {
		if (r->hold) {
			r->hold->range = *range;
			r->hold->held = 1;
		} else if (!r->o->quiet)
			fprintf(stderr, "nothing to digest in %s\n", label.ptr);
		ret = 0;
		goto cleanup;
	}

	memset(&render, 0, sizeof(render));
	render.title = r->o->title ? r->o->title : KVMD_DEFAULT_TITLE;
	render.top = r->o->top >= 0 ? r->o->top : KVMD_DEFAULT_TOP;
	render.sections = sections;
	/* a hook's note: applied for a fetch of mails, posted for a pull of code */
	if (r->hook && !(r->sections & KVMD_SECTION_APPLIED) && !kvmd_digest_mail_count(d))
		render.sections &= ~KVMD_SECTION_APPLIED;
	if (r->hook && !(r->sections & KVMD_SECTION_POSTED) && !kvmd_digest_code_count(d))
		render.sections &= ~KVMD_SECTION_POSTED;
	/* set, whether or not it could be looked up: the sections say which */
	render.applied_refs = (int)napplied;
	render.applied_known = ar.known;
	render.old_hex = range->has_old ? range->old_hex : NULL;
	render.new_hex = range->new_hex;
	render.status = status;
	render.link_base = r->link_base.len ? r->link_base.ptr : NULL;
	render.links = r->o->links > 0;
	render.group_by_area = r->group_by_area;
	render.areas = r->o->areas.nr ? r->o->areas.v : NULL;
	render.nareas = r->o->areas.nr;

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
	if (r->hold) {
		r->hold->range = *range;
		kvmd_buf_reset(&r->hold->text);
		kvmd_buf_add(&r->hold->text, text.ptr, text.len);
		r->hold->held = 1;
		ret = 0;
		goto cleanup;
	}
	ret = write_note(r, range, &text, err);

cleanup:
	kvmd_digest_free(d);
	kvmd_status_free(status);
	applied_release(&ar);
	index_release(&ir);
	kvmd_buf_release(&text);
	kvmd_buf_release(&label);
	return ret;
}

/* --since and --until, and the pathspecs, narrow `range`. */
static void apply_window(struct kvmd_range *range, const struct digest_opts *o)
{
	range->paths = o->paths;
	range->paths_nr = o->paths_nr;
	range->has_since = o->has_since;
	range->since = o->since_ts;
	range->has_until = o->has_until;
	range->until = o->until_ts;
}

/*
 * A date in git's formats ("1.week.ago", "2025-10-01", "yesterday",
 * "@1759300000"...), as `git log --since` reads it.  That reader is
 * git's approxidate, which libgit2 does not have: rather than a
 * second reader that would take some dates otherwise, the front end
 * asks git itself, `git rev-parse --since=<date>` printing
 * "--max-age=<seconds>" (--until: "--min-age=").  Running git is the
 * front end's business; the library never does.
 */
static git_time_t git_date(const char *option, const char *value)
{
	struct kvmd_buf arg = KVMD_BUF_INIT, out = KVMD_BUF_INIT;
	const char *want = !strcmp(option, "since") ? "--max-age=" : "--min-age=";
	char chunk[256], *end;
	long long seconds;
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	kvmd_buf_addf(&arg, "--%s=%s", option, value);
	fflush(stdout);
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		kvmd_die("cannot run git rev-parse: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], 1) < 0)
			_exit(128);
		close(fds[1]);
		execlp("git", "git", "rev-parse", arg.ptr, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((got = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		kvmd_buf_add(&out, chunk, (size_t)got);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			kvmd_die("cannot wait for git rev-parse: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) ||
	    strncmp(out.ptr, want, strlen(want)))
		kvmd_die("cannot read the date of --%s: '%s'", option, value);
	errno = 0;
	seconds = strtoll(out.ptr + strlen(want), &end, 10);
	if (errno || (*end && *end != '\n'))
		kvmd_die("cannot read the date of --%s: '%s'", option, value);
	kvmd_buf_release(&arg);
	kvmd_buf_release(&out);
	return (git_time_t)seconds;
}

/* The whole history of `ref`, for a window of dates: 1, or -1 with `err` set. */
static int window_of_ref(struct kvmd_range *out, git_reference *ref,
			 struct kvmd_buf *err)
{
	git_object *tip = NULL;

	if (git_reference_peel(&tip, ref, GIT_OBJECT_COMMIT) < 0) {
		kvmd_buf_addf(err, "%s: cannot read: %s", git_reference_name(ref),
			      kvmd_git_error());
		return -1;
	}
	kvmd_range_set(out, NULL, git_object_id(tip));
	git_object_free(tip);
	return 1;
}

/*
 * Calls `fn` for each watched ref (kvmdigest.ref, else the upstream):
 * after an error (non-zero) the others still get theirs when
 * `keep_going`.  `what` ends "nothing to <what>" when none is watched.
 * Returns the last error, or 0.
 */
static int for_each_watched(struct runner *r, const char *what, int keep_going,
			    int (*fn)(struct runner *r, git_reference *ref, void *data),
			    void *data)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char **patterns = NULL;
	int ret = 0, matched = 0;

	if (!kvmd_watch_patterns(&patterns, r->repo, r->cfg))
		kvmd_die("nothing to %s: give a %s, or set kvmdigest.ref "
			 "(or an upstream for the current branch)", what,
			 !strcmp(what, "digest") ? "range <old>..<new>" : "revision");
	if (git_reference_iterator_new(&it, r->repo) < 0)
		kvmd_die("cannot list refs: %s", kvmd_git_error());
	while ((keep_going || !ret) && git_reference_next(&ref, it) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    kvmd_watch_matches(patterns, git_reference_name(ref))) {
			int err = fn(r, ref, data);

			matched++;
			if (err)
				ret = err;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (!matched)
		ret = kvmd_error("no ref matches %s%s", patterns[0],
				 patterns[1] ? " (or the other kvmdigest.ref patterns)" : "");
	kvmd_watch_free(patterns);
	return ret;
}

/* What is new on one watched ref since its last digest. */
static int digest_ref(struct runner *r, git_reference *ref, void *data)
{
	const char *name = git_reference_name(ref);
	struct kvmd_buf err = KVMD_BUF_INIT;
	struct kvmd_range range;
	int found, ret = 0;

	(void)data;
	if (r->o->has_since || r->o->has_until)
		/* a window of dates: all of the ref's history in it */
		found = window_of_ref(&range, ref, &err);
	else
		found = kvmd_watch_since_last(&range, r->repo, r->notes_ref.ptr, name, &err);
	apply_window(&range, r->o);
	r->archive = name;
	set_link_ref(r, name);
	if (found < 0)
		ret = kvmd_error("%s", err.ptr);
	else if (found == 0 && !r->o->quiet)
		fprintf(stderr, "%s: nothing new since the last digest\n", name);
	else if (found > 0 && digest_range(r, &range, &err) < 0)
		ret = kvmd_error("%s", err.ptr);
	kvmd_buf_release(&err);
	return ret;
}

/* Without a range: what is new on every watched ref since its last digest. */
static int digest_watched(struct runner *r)
{
	return for_each_watched(r, "digest", 1, digest_ref, NULL);
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
	else if (o->group_by && strcmp(o->group_by, "area") && strcmp(o->group_by, "none"))
		ret = kvmd_error("option `group-by' expects \"area\" or \"none\", not '%s'",
				 o->group_by);
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
	struct digest_opts o = { .top = -1, .jobs = -1, .progress = -1, .pager = -1, .links = -1 };
	struct kvmd_option digest_options[] = {
		KVMD_OPT_BOOL_(0, "stdout", &o.to_stdout, "print the digest, write no note"),
		KVMD_OPT_STRING_(0, "since", &o.since, "<date>", "only commits newer than <date> (implies --stdout)"),
		KVMD_OPT_STRING_(0, "until", &o.until, "<date>", "only commits older than <date> (implies --stdout)"),
		KVMD_OPT_STRING_(0, "format", &o.format, "<format>", "text (default) or json; json implies --stdout"),
		KVMD_OPT_STRING_(0, "notes-ref", &o.notes_ref, "<ref>", "write the note in <ref> (default: refs/notes/kvmdigest)"),
		KVMD_OPT_INT_(0, "top", &o.top, "<n>", "show <n> rows per table (default: 15)"),
		KVMD_OPT_STRING_(0, "title", &o.title, "<text>", "the digest's title"),
		KVMD_OPT_STRING_(0, "sections", &o.sections, "<list>", "the sections to show, comma-separated"),
		KVMD_OPT_BOOL_(0, "links", &o.links, "a Link: line under each entry"),
		KVMD_OPT_STRING_(0, "group-by", &o.group_by, "<what>", "group the patch list and status by area, or none"),
		KVMD_OPT_STRING_LIST_(0, "area", &o.areas, "<name>", "only the mails and commits of this area (implies --stdout)"),
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

	/* "-- <path>...": pathspecs, as git log takes them */
	for (nr = 1; nr < argc; nr++)
		if (!strcmp(argv[nr], "--")) {
			o.paths = argv + nr + 1;
			o.paths_nr = (size_t)(argc - nr - 1);
			argc = nr;
			break;
		}
	nr = kvmd_parse_options(argc, argv, digest_options);
	if (nr == KVMD_PARSE_HELP) {
		kvmd_usage_with_options(digest_usage, digest_options, 0);
		free(o.areas.v);
		return 129;
	}
	if (nr < 0 || nr > 1 || check_options(&o) < 0) {
		if (nr > 1)
			kvmd_error("too many arguments");
		kvmd_usage_with_options(digest_usage, digest_options, 1);
		free(o.areas.v);
		return 129;
	}
	/* a list that names no section is a usage error, as git's bad values are */
	if (o.sections && !o.sections[strspn(o.sections, ", ")]) {
		kvmd_error("option `sections' names no section: '%s'", o.sections);
		kvmd_usage_with_options(digest_usage, digest_options, 1);
		free(o.areas.v);
		return 129;
	}
	if (o.version) {
		print_version();
		free(o.areas.v);
		return 0;
	}

	repo = open_repository(&packs);
	/* a window of dates is a view, as git log's: no note is its digest */
	if (o.since) {
		o.has_since = 1;
		o.since_ts = git_date("since", o.since);
		o.to_stdout = 1;
	}
	if (o.until) {
		o.has_until = 1;
		o.until_ts = git_date("until", o.until);
		o.to_stdout = 1;
	}
	/* some areas are a view too: the note of a range is its whole digest */
	if (o.areas.nr)
		o.to_stdout = 1;
	runner_init(&r, repo, packs, &o);
	if (nr == 1) {
		struct kvmd_buf path = KVMD_BUF_INIT;

		/* while the range is parsed: the index, if the digest will open it */
		kvmd_index_path(&path, repo);
		if (digest_opens_index(&r, path.ptr))
			preopen_start(&r, path.ptr);
		kvmd_buf_release(&path);
	}
	if (nr == 1 && kvmd_range_parse(&range, repo, argv[0], &err) < 0) {
		preopen_finish(&r);
		kvmd_die("%s", err.ptr);
	}
	if (nr == 1) {
		apply_window(&range, &o);
		set_link_spec(&r, argv[0]);
	}
	if (o.to_stdout || r.json)
		setup_pager(&r);
	if (nr == 1) {
		/* the index knows the archive by the range's new end */
		r.archive = strstr(argv[0], "..") ? strstr(argv[0], "..") + 2 : argv[0];
		if (!*r.archive)
			r.archive = "HEAD";
		/* fatal, but after cleaning up: LeakSanitizer checks this path too */
		ret = digest_range(&r, &range, &err) < 0 ? kvmd_fatal("%s", err.ptr) : 0;
	} else {
		ret = digest_watched(&r) < 0 ? 128 : 0;
	}
	runner_release(&r);
	kvmd_buf_release(&err);
	close_repository(repo, packs);
	free(o.areas.v);
	return ret;
}

/*
 * The hook log, kvmdigest.log in the git directory: every line stamped
 * with its ISO 8601 time (UTC), and capped: a log over LOG_CAP bytes
 * becomes kvmdigest.log.old (replacing the one before) when a hook
 * starts, so the two never hold much more than twice that.
 */
#define LOG_CAP (256 * 1024)

struct hook_log {
	int fd;
	struct kvmd_buf line;
};

static void log_flush_line(struct hook_log *l)
{
	struct kvmd_buf out = KVMD_BUF_INIT;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	kvmd_buf_adds(&out, stamp);
	kvmd_buf_add(&out, l->line.ptr, l->line.len);
	/* one write per line: O_APPEND keeps concurrent hooks' lines whole */
	if (write(l->fd, out.ptr, out.len) < 0) {
		/* nowhere left to say it */
	}
	kvmd_buf_release(&out);
	kvmd_buf_reset(&l->line);
}

static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
	struct hook_log *l = cookie;
	size_t i;

	for (i = 0; i < size; i++) {
		kvmd_buf_addch(&l->line, buf[i]);
		if (buf[i] == '\n')
			log_flush_line(l);
	}
	return (ssize_t)size;
}

static int log_close(void *cookie)
{
	struct hook_log *l = cookie;

	if (l->line.len) {
		kvmd_buf_addch(&l->line, '\n');
		log_flush_line(l);
	}
	kvmd_buf_release(&l->line);
	close(l->fd);
	free(l);
	return 0;
}

/* The stream log_to_file() replaced; log_end() puts it back and closes the log. */
static FILE *log_saved_stderr;

static void log_end(void)
{
	FILE *f = stderr;

	if (!log_saved_stderr)
		return;
	stderr = log_saved_stderr;
	log_saved_stderr = NULL;
	fclose(f);
}

/*
 * From here on, this process's messages go to the log, stamped; what
 * else writes to file descriptor 2 (libraries, children) lands there
 * too, unstamped.  -1 (stderr unchanged) when the log cannot be opened.
 */
static int log_to_file(const char *git_dir)
{
	cookie_io_functions_t io = { NULL, log_write, NULL, log_close };
	struct kvmd_buf path = KVMD_BUF_INIT, old = KVMD_BUF_INIT;
	struct hook_log *l;
	struct stat st;
	FILE *f;
	int fd, ret = -1;

	kvmd_buf_addf(&path, "%skvmdigest.log", git_dir);
	kvmd_buf_addf(&old, "%s.old", path.ptr);
	if (!stat(path.ptr, &st) && st.st_size >= LOG_CAP)
		rename(path.ptr, old.ptr);
	fd = open(path.ptr, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		goto cleanup;
	l = kvmd_xcalloc(1, sizeof(*l));
	l->fd = fd;
	kvmd_buf_init(&l->line);
	f = fopencookie(l, "w", io);
	if (!f) {
		close(fd);
		free(l);
		goto cleanup;
	}
	fflush(stderr);
	dup2(fd, 2);
	log_saved_stderr = stderr;
	stderr = f;
	atexit(log_end);
	ret = 0;

cleanup:
	kvmd_buf_release(&path);
	kvmd_buf_release(&old);
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
	r->archive = "HEAD";
	r->hook = 1;
	/* a merge-window pull, limited to what this checkout follows */
	range.paths = kvmd_config_get_all(r->cfg, "kvmdigest.pathspec");
	while (range.paths && range.paths[range.paths_nr])
		range.paths_nr++;
	if (digest_range(r, &range, &err) < 0)
		ret = kvmd_error("%s", err.ptr);
	kvmd_buf_release(&err);
	return ret;
}

/* One "<old> <new> <ref>" line of the reference-transaction hook. */
struct ref_update {
	git_oid old, new;
	char *ref;
	int dropped;               /* git did not commit it (see drop_uncommitted()) */
	struct held_digest digest; /* rendered before git was gone */
};

/*
 * Parses a line exactly as git writes it: two full hexadecimal ids and a
 * ref name, one space between each, nothing else.  0, or -1.
 */
static int parse_ref_update(struct ref_update *u, const char *line)
{
	const size_t hex = GIT_OID_HEXSZ;
	size_t len = strlen(line), i;

	if (len && line[len - 1] == '\n')
		len--;
	if (len < 2 * hex + 3 || line[hex] != ' ' || line[2 * hex + 1] != ' ')
		return -1;
	for (i = 0; i < 2 * hex + 1; i++)
		if (i != hex && !strchr("0123456789abcdef", line[i]))
			return -1;
	for (i = 2 * hex + 2; i < len; i++)
		if ((unsigned char)line[i] <= ' ' || line[i] == 0x7f)
			return -1;
	if (git_oid_fromstrn(&u->old, line, hex) < 0 ||
	    git_oid_fromstrn(&u->new, line + hex + 1, hex) < 0)
		return -1;
	u->ref = kvmd_xmemdupz(line + 2 * hex + 2, len - 2 * hex - 2);
	return 0;
}

/*
 * A background digest has no terminal to warn on: as `git gc --auto`
 * does with gc.log, it leaves a mark, and the next hook (or `hook wait`)
 * says the last digest failed.
 */
static void note_failure(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f)
		fclose(f);
}

/* The background digest, for its exit: a kvmd_die() on the way fails it too. */
static char *background_mark;
static int background_ok;

static void background_exit(void)
{
	if (!background_ok && background_mark)
		note_failure(background_mark);
	free(background_mark);
	background_mark = NULL;
}

/* Says so when the last background digest failed, once; 1 when it did. */
static int report_failure(const char *git_dir)
{
	struct kvmd_buf path = KVMD_BUF_INIT;
	int failed;

	kvmd_buf_addf(&path, "%skvmdigest-failed", git_dir);
	failed = !unlink(path.ptr);
	if (failed)
		kvmd_warning("git-kvmdigest could not digest the last update; see %skvmdigest.log",
			     git_dir);
	kvmd_buf_release(&path);
	return failed;
}

static void set_libgit2_policy(void);
static void set_sqlite_policy(void);

/* Appends the git directory a "gitdir: <path>" file at `file` names; 0 or -1. */
static int read_git_file(struct kvmd_buf *out, const char *file, const char *base)
{
	struct kvmd_buf text = KVMD_BUF_INIT;
	int ret = -1;

	if (kvmd_buf_read_file(&text, file) == 0 && !strncmp(text.ptr, "gitdir: ", 8)) {
		kvmd_buf_truncate(&text, strcspn(text.ptr, "\n"));
		if (text.ptr[8] != '/' && base)
			kvmd_buf_addf(out, "%s/", base);
		kvmd_buf_adds(out, text.ptr + 8);
		ret = 0;
	}
	kvmd_buf_release(&text);
	return ret;
}

static int is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/*
 * The git directory of the hook's environment, ending in '/', found as
 * the hook script finds it: GIT_DIR (git exports it for worktrees and
 * --git-dir/--work-tree), else the nearest .git (a directory, or a file
 * naming one) or bare repository above the current directory.  Without
 * libgit2, whose start-up (it reads the CA bundle) would cost every fetch
 * hook and `hook wait` more than the rest of their work.  0 or -1.
 */
static int hook_git_dir(struct kvmd_buf *out)
{
	struct kvmd_buf d = KVMD_BUF_INIT, probe = KVMD_BUF_INIT;
	const char *env = getenv("GIT_DIR");
	char cwd[4096];
	int ret = -1;

	kvmd_buf_reset(out);
	if (env && *env) {
		if (!is_file(env) || read_git_file(out, env, NULL) < 0)
			kvmd_buf_adds(out, env);
		ret = 0;
	} else if (getcwd(cwd, sizeof(cwd))) {
		kvmd_buf_adds(&d, cwd);
		for (;;) {
			char *slash;

			kvmd_buf_reset(&probe);
			kvmd_buf_addf(&probe, "%s/.git", d.len ? d.ptr : "");
			if (is_dir(probe.ptr)) {
				kvmd_buf_adds(out, probe.ptr);
				ret = 0;
				break;
			}
			if (is_file(probe.ptr) && read_git_file(out, probe.ptr, d.ptr) == 0) {
				ret = 0;
				break;
			}
			kvmd_buf_reset(&probe);
			kvmd_buf_addf(&probe, "%s/objects", d.len ? d.ptr : "");
			if (is_dir(probe.ptr)) {
				kvmd_buf_reset(&probe);
				kvmd_buf_addf(&probe, "%s/HEAD", d.len ? d.ptr : "");
				if (is_file(probe.ptr)) {
					kvmd_buf_adds(out, d.len ? d.ptr : "/");
					ret = 0;
					break;
				}
			}
			slash = strrchr(d.ptr, '/');
			if (!slash || !d.len)
				break;
			kvmd_buf_truncate(&d, (size_t)(slash - d.ptr));
		}
	}
	if (!ret && out->len && out->ptr[out->len - 1] != '/')
		kvmd_buf_addch(out, '/');
	kvmd_buf_release(&d);
	kvmd_buf_release(&probe);
	return ret;
}

/*
 * Waits until process `pid` (the git command that ran the hook) is gone:
 * woken by the kernel through a pidfd (Linux 5.3 and later), else by
 * asking every millisecond.
 */
static void wait_for_exit(pid_t pid)
{
	struct timespec ts = { 0, 1000000L };

	if (pid <= 1)
		return;
#ifdef SYS_pidfd_open
	{
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = -1;

		if (fd >= 0) {
			do
				n = poll(&p, 1, -1);
			while (n < 0 && errno == EINTR);
			close(fd);
		}
		if (n > 0)
			return;
	}
#endif
	while (kill(pid, 0) == 0 || errno == EPERM)
		nanosleep(&ts, NULL);
}

/*
 * A background digest the hook script started, until it holds the run
 * lock: the script writes kvmdigest-pending.<pid> in the git directory
 * as it starts it, and the digest removes that file once it holds the
 * lock and git is done.  `hook wait` waits for those files to go.
 */
#define PENDING "kvmdigest-pending."

/*
 * Is process `pid` alive and, as far as /proc can say, a git-kvmdigest
 * (the pid of one that died before it removed its file may be in use
 * by another program)?
 */
static int pending_alive(pid_t pid)
{
	struct kvmd_buf path = KVMD_BUF_INIT, cmdline = KVMD_BUF_INIT;
	int alive;

	if (pid <= 1 || (kill(pid, 0) < 0 && errno != EPERM))
		return 0;
	kvmd_buf_addf(&path, "/proc/%ld/cmdline", (long)pid);
	alive = kvmd_buf_read_file(&cmdline, path.ptr) < 0 ||
		memmem(cmdline.ptr, cmdline.len, "kvmdigest", 9) != NULL;
	kvmd_buf_release(&path);
	kvmd_buf_release(&cmdline);
	return alive;
}

/*
 * Returns once no background digest of `git_dir` is pending; the files
 * of those that died first are removed.
 */
static void wait_pending(const char *git_dir)
{
	const struct timespec ts = { 0, 1000000L };
	struct kvmd_buf path = KVMD_BUF_INIT;
	const size_t len = strlen(PENDING);

	for (;;) {
		DIR *dir = opendir(git_dir);
		struct dirent *e;
		int pending = 0;

		if (!dir)
			break;
		while ((e = readdir(dir))) {
			char *end;
			long pid;

			if (strncmp(e->d_name, PENDING, len))
				continue;
			pid = strtol(e->d_name + len, &end, 10);
			if (*end || end == e->d_name + len) {
				continue;
			} else if (pending_alive((pid_t)pid)) {
				pending = 1;
			} else {
				kvmd_buf_reset(&path);
				kvmd_buf_addf(&path, "%s%s", git_dir, e->d_name);
				unlink(path.ptr);
			}
		}
		closedir(dir);
		if (!pending)
			break;
		nanosleep(&ts, NULL);
	}
	kvmd_buf_release(&path);
}

/*
 * The lock every background digest holds (shared) while it runs, and
 * `hook wait` takes (exclusive) to wait for them all: a flock(), which
 * the kernel drops with its last holder, so it never goes stale.
 */
static int open_run_lock(const char *git_dir)
{
	struct kvmd_buf path = KVMD_BUF_INIT;
	int fd;

	kvmd_buf_addf(&path, "%skvmdigest-hook.lock", git_dir);
	fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	kvmd_buf_release(&path);
	return fd;
}

/*
 * Did a fetch move `ref` to `new`?  Its reflog says so ("fetch ...:
 * forced-update"); a rewind by hand (git update-ref, git notes) is the
 * user's to make and is left alone.  Without a reflog to ask (a bare
 * repository logs no ref updates by default), assume a fetch.
 */
static int updated_by_fetch(git_repository *repo, const char *ref, const git_oid *new)
{
	git_reflog *log = NULL;
	const git_reflog_entry *e;
	int fetch = 1;

	if (git_reflog_read(&log, repo, ref) < 0)
		return 1;
	e = git_reflog_entrycount(log) ? git_reflog_entry_byindex(log, 0) : NULL;
	if (e && !git_oid_cmp(git_reflog_entry_id_new(e), new))
		fetch = git_reflog_entry_message(e) &&
			!strncmp(git_reflog_entry_message(e), "fetch", 5);
	git_reflog_free(log);
	return fetch;
}

/*
 * Drops the updates of a transaction that git did not commit: started at
 * `prepared`, the digest checks, once git is gone, that each ref has
 * left its old value (an aborted transaction leaves it there).  Not that
 * it is at the new one: the notes ref moves on with the digests of the
 * other refs of the same fetch, which may come first.
 */
static void drop_uncommitted(git_repository *repo, struct ref_update *u, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		git_oid now;

		if (git_reference_name_to_id(&now, repo, u[i].ref) < 0)
			u[i].dropped = git_oid_is_zero(&u[i].old);
		else
			u[i].dropped = git_oid_equal(&now, &u[i].old);
	}
}

static int same_range(const struct kvmd_range *a, const struct kvmd_range *b)
{
	return a->has_old == b->has_old && git_oid_equal(&a->new, &b->new) &&
	       (!a->has_old || git_oid_equal(&a->old, &b->old));
}

/*
 * Digests what a transaction brought to the watched refs; after it is
 * over.  With `render_only`, before it is over (git still runs): each
 * watched update's range is worked out from the notes as they are and
 * its digest rendered into u->digest, silently; once git is gone the
 * range is worked out again (the fetch may have brought notes), and a
 * digest rendered for the same range is written as it is.  `patterns`
 * are the watched refs' (kvmd_watch_patterns()).
 */
static int digest_updates(struct runner *r, char **patterns, struct ref_update *u, size_t nr,
			  int render_only)
{
	struct kvmd_buf err = KVMD_BUF_INIT, backup = KVMD_BUF_INIT;
	size_t i;
	int ret = 0;

	/* a fetch refspec that forces the notes ref itself: keep what it threw away */
	kvmd_buf_addf(&backup, "%s-backup", r->notes_ref.ptr);
	for (i = 0; i < nr && !render_only; i++) {
		int kept;

		if (u[i].dropped || strcmp(u[i].ref, r->notes_ref.ptr) ||
		    git_oid_is_zero(&u[i].new) || !updated_by_fetch(r->repo, u[i].ref, &u[i].new))
			continue;
		kvmd_buf_reset(&err);
		kept = kvmd_notes_keep_local(r->repo, r->notes_ref.ptr, &u[i].old, &u[i].new,
					     backup.ptr, &err);
		if (kept < 0)
			ret = kvmd_error("%s", err.ptr);
		else if (kept > 0)
			kvmd_warning("an update of %s threw local digests away (a fetch refspec "
				     "writes it?): kept them in %s and merged them back",
				     r->notes_ref.ptr, backup.ptr);
	}

	r->hook = 1;
	for (i = 0; i < nr; i++) {
		git_object *obj = NULL, *peeled = NULL;
		struct held_digest *held = &u[i].digest;
		struct kvmd_range range;
		int found;

		if (u[i].dropped || !kvmd_watch_matches(patterns, u[i].ref) ||
		    git_oid_is_zero(&u[i].new))
			continue;
		if (git_object_lookup(&obj, r->repo, &u[i].new, GIT_OBJECT_ANY) < 0 ||
		    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(obj);
			continue; /* not a commit: nothing to digest */
		}
		/*
		 * From the newest ancestor that has a digest, as without a
		 * range: a fetch that was not digested (the tool was not on
		 * PATH, a crash) is covered by the next one.
		 */
		kvmd_buf_reset(&err);
		found = kvmd_watch_since(&range, r->repo, r->notes_ref.ptr, git_object_id(peeled),
					 git_oid_is_zero(&u[i].old) ? NULL : &u[i].old,
					 u[i].ref, &err);
		r->archive = u[i].ref;
		/* a held digest has its links already: no remote to ask again */
		if (render_only || !held->held || found <= 0 || !same_range(&held->range, &range))
			set_link_ref(r, u[i].ref);
		if (render_only) {
			/* what fails here is said, if it still does, once git is gone */
			r->hold = held;
			if (found > 0 && digest_range(r, &range, &err) < 0)
				held->held = 0;
			r->hold = NULL;
		} else if (found < 0 && git_oid_is_zero(&u[i].old)) {
			/* a ref this update created, with no digest before: not a failure */
			fprintf(stderr, "%s: not digested: %s\n", u[i].ref, err.ptr);
		} else if (found < 0) {
			ret = kvmd_error("%s: not digested: %s", u[i].ref, err.ptr);
		} else if (found > 0 && held->held && same_range(&held->range, &range)) {
			if (held->text.len && write_note(r, &range, &held->text, &err) < 0)
				ret = kvmd_error("%s", err.ptr);
		} else if (found > 0 && digest_range(r, &range, &err) < 0) {
			ret = kvmd_error("%s", err.ptr);
		}
		git_object_free(peeled);
		git_object_free(obj);
	}
	kvmd_buf_release(&err);
	kvmd_buf_release(&backup);
	return ret;
}

/*
 * The fewest commits for which the hook's digest reads with a second
 * reader (see background_digest()).
 */
#define HOOK_READER_MIN 512

/*
 * The digest of the updates `u`, in the background, once process
 * `after` (the git command that ran the hook) is gone, holding the run
 * lock `lock` (-1 without one); of those git committed, when `prepared`
 * (the hook's state when the script started us).  `pending`, when not
 * NULL, is the file that says this digest is coming (see PENDING),
 * removed once the lock is held and git is done.  Returns the exit code.
 */
static int background_digest(struct ref_update *u, size_t nr, int prepared, pid_t after,
			     int lock, const char *git_dir, const char *pending)
{
	struct digest_opts o = { .quiet = 1, .top = -1, .jobs = -1, .progress = 0, .pager = 0,
				 .links = -1 };
	struct kvmd_buf mark = KVMD_BUF_INIT;
	struct kvmd_packs *packs = NULL;
	git_repository *repo;
	char **patterns = NULL;
	struct runner r;
	int ret;

	log_to_file(git_dir);
	kvmd_buf_addf(&mark, "%skvmdigest-failed", git_dir);
	background_mark = kvmd_buf_detach(&mark, NULL);
	atexit(background_exit);
	git_libgit2_init();
	set_libgit2_policy();
	set_sqlite_policy();
	kvmd_mail_global_init();
	/*
	 * While git finishes: the new commits are in place (git prepares a
	 * transaction once it has them), only the refs are not, and the
	 * notes may still move (a fetch refspec can write them).  So read
	 * and render now, and once git is gone check the refs, work out
	 * the ranges again and write; the archive index, which is written
	 * with the note, waits for git too.
	 */
	repo = open_repository(&packs);
	runner_init(&r, repo, packs, &o);
	/*
	 * A fetch's few hundred messages are read sooner by one reader: a
	 * second one opens the repository again, and git, then `hook wait`
	 * or the user's next command, has the other core meanwhile.
	 */
	r.reader_min = HOOK_READER_MIN;
	kvmd_watch_patterns(&patterns, repo, r.cfg);
	digest_updates(&r, patterns, u, nr, 1);
	wait_for_exit(after);
	if (pending)
		unlink(pending);
	if (prepared)
		drop_uncommitted(repo, u, nr);
	ret = digest_updates(&r, patterns, u, nr, 0) < 0 ? 128 : 0;
	/* marked before the lock goes: `hook wait` must see it */
	if (ret)
		note_failure(background_mark);
	background_ok = 1;
	/* the note is written: `hook wait` need not wait for the clean-up */
	if (lock >= 0)
		close(lock);
	kvmd_watch_free(patterns);
	runner_release(&r);
	close_repository(repo, packs);
	git_libgit2_shutdown();
	return ret;
}

/*
 * `hook reference-transaction (--background=<pid> | [--after=<pid>])
 * (prepared | committed) <line>...`: the updates the hook script found
 * watched (or the notes ref), one "<old> <new> <ref>" per argument.
 * git runs the hook inside the transaction, and a fetch goes on updating
 * refs (the notes ref too, with a sharing refspec) after it: so the
 * digest runs in the background, once the git command that ran the hook
 * (`<pid>`) is gone.  The hook script starts it in the background itself
 * (--background), so that git waits for no start of this program, and
 * at `prepared`, so that it loads while git commits (the updates git
 * did not commit are dropped then); with --after (the hook scripts of
 * earlier versions, at `committed`), this process takes the lock and
 * forks the digest off.
 */
static int hook_reference_transaction(int argc, const char **argv)
{
	struct ref_update *u = NULL;
	struct kvmd_buf git_dir = KVMD_BUF_INIT, pending = KVMD_BUF_INIT;
	size_t nr = 0, alloc = 0, i;
	pid_t after = 0, pid;
	int lock, ret = 0, null, background = 0, prepared;

	if (argc > 0 && !strncmp(argv[0], "--after=", 8)) {
		after = (pid_t)strtol(argv[0] + 8, NULL, 10);
		argc--;
		argv++;
	} else if (argc > 0 && !strncmp(argv[0], "--background=", 13)) {
		after = (pid_t)strtol(argv[0] + 13, NULL, 10);
		background = 1;
		argc--;
		argv++;
	}
	/* what is prepared is digested once committed; an aborted one moved nothing */
	if (argc < 1 || (strcmp(argv[0], "committed") && strcmp(argv[0], "prepared")))
		return 0;
	prepared = !strcmp(argv[0], "prepared");
	for (i = 1; i < (size_t)argc; i++) {
		KVMD_ALLOC_GROW(u, nr + 1, alloc);
		memset(&u[nr], 0, sizeof(*u));
		kvmd_buf_init(&u[nr].digest.text);
		if (parse_ref_update(&u[nr], argv[i]) < 0)
			kvmd_error("not a ref update: '%s'", argv[i]);
		else
			nr++;
	}
	if (background) {
		/* out of the terminal's reach: the fetch is over for the user */
		setsid();
		if (hook_git_dir(&git_dir) < 0)
			kvmd_die("not a git repository (or any of the parent directories)");
		kvmd_buf_addf(&pending, "%s%s%ld", git_dir.ptr, PENDING, (long)getpid());
		if (!nr) {
			unlink(pending.ptr);
			goto cleanup;
		}
	} else {
		if (!nr)
			goto cleanup;
		if (hook_git_dir(&git_dir) < 0)
			kvmd_die("not a git repository (or any of the parent directories)");
		report_failure(git_dir.ptr);
	}
	lock = open_run_lock(git_dir.ptr);
	if (lock >= 0 && flock(lock, LOCK_SH) < 0) {
		close(lock);
		lock = -1;
	}
	if (!background) {
		/* KVMD_HOOK_FOREGROUND: no fork, for a debugger (without --after) */
		pid = getenv("KVMD_HOOK_FOREGROUND") ? 0 : fork();
		if (pid < 0)
			kvmd_die("cannot start the digest in the background: %s", strerror(errno));
		if (pid > 0) {
			/* the child holds the lock now: the hook is done */
			if (lock >= 0)
				close(lock);
			goto cleanup;
		}
		if (!getenv("KVMD_HOOK_FOREGROUND")) {
			setsid();
			null = open("/dev/null", O_RDWR);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				close(null);
			}
		}
	}
	ret = background_digest(u, nr, prepared, after, lock, git_dir.ptr,
				background ? pending.ptr : NULL);

cleanup:
	kvmd_buf_release(&git_dir);
	kvmd_buf_release(&pending);
	for (i = 0; i < nr; i++) {
		free(u[i].ref);
		kvmd_buf_release(&u[i].digest.text);
	}
	free(u);
	return ret;
}

/*
 * `hook watch-cache`: writes what the hook script needs to decide, with
 * no process started, whether a transaction touched a watched ref:
 * kvmdigest-watched in the git directory, lines "head <HEAD>" (the
 * HEAD the default pattern was resolved for; `*` when kvmdigest.ref is
 * set, `detached` for a detached HEAD), "notes <notes ref>" and
 * "ref <pattern>" (shell patterns, short names expanded).  The script
 * rewrites it when a configuration file is newer or HEAD names another
 * branch.
 */
static int hook_watch_cache(struct runner *r)
{
	struct kvmd_buf text = KVMD_BUF_INIT, path = KVMD_BUF_INIT, tmp = KVMD_BUF_INIT;
	struct kvmd_buf head = KVMD_BUF_INIT;
	const char **values = kvmd_config_get_all(r->cfg, "kvmdigest.ref");
	char **patterns = NULL, **p;
	int configured = 0, ret = -1;
	FILE *f;

	for (; *values; values++)
		configured |= !!**values;
	kvmd_buf_addf(&path, "%sHEAD", git_repository_path(r->repo));
	if (configured) {
		kvmd_buf_adds(&text, "head *\n");
	} else if (kvmd_buf_read_file(&head, path.ptr) == 0 && !strncmp(head.ptr, "ref: ", 5)) {
		kvmd_buf_truncate(&head, strcspn(head.ptr, "\n"));
		kvmd_buf_addf(&text, "head %s\n", head.ptr);
	} else {
		kvmd_buf_adds(&text, "head detached\n");
	}
	kvmd_buf_addf(&text, "notes %s\n", r->notes_ref.ptr);
	kvmd_watch_patterns(&patterns, r->repo, r->cfg);
	for (p = patterns; p && *p; p++) {
		kvmd_buf_addf(&text, "ref %s\n", *p);
		if (strncmp(*p, "refs/", 5))
			kvmd_buf_addf(&text, "ref refs/remotes/%s\nref refs/heads/%s\n", *p, *p);
	}
	kvmd_buf_reset(&path);
	kvmd_buf_addf(&path, "%skvmdigest-watched", git_repository_path(r->repo));
	kvmd_buf_addf(&tmp, "%s.%ld", path.ptr, (long)getpid());
	f = fopen(tmp.ptr, "w");
	if (!f || fwrite(text.ptr, 1, text.len, f) != text.len || fclose(f) ||
	    rename(tmp.ptr, path.ptr)) {
		ret = kvmd_error("cannot write '%s': %s", path.ptr, strerror(errno));
		unlink(tmp.ptr);
	} else {
		ret = 0;
	}
	kvmd_watch_free(patterns);
	kvmd_buf_release(&text);
	kvmd_buf_release(&path);
	kvmd_buf_release(&tmp);
	kvmd_buf_release(&head);
	return ret;
}

/* `hook wait`: returns when no background digest runs (for tests and scripts). */
static int hook_wait(void)
{
	struct kvmd_buf git_dir = KVMD_BUF_INIT;
	int lock, failed;

	if (hook_git_dir(&git_dir) < 0)
		kvmd_die("not a git repository (or any of the parent directories)");
	wait_pending(git_dir.ptr);
	lock = open_run_lock(git_dir.ptr);
	if (lock >= 0) {
		flock(lock, LOCK_EX);
		close(lock);
	}
	failed = report_failure(git_dir.ptr);
	kvmd_buf_release(&git_dir);
	return failed;
}

/* `hook <name> <args>`: what the installed hook scripts call. */
static int cmd_hook(int argc, const char **argv)
{
	/* quiet, and never progress: a hook's output goes to the user's fetch */
	struct digest_opts o = { .quiet = 1, .top = -1, .jobs = -1, .progress = 0, .pager = 0,
				 .links = -1 };
	struct kvmd_packs *packs;
	git_repository *repo;
	struct runner r;
	int ret = 0;

	if (argc < 2)
		kvmd_die("hook: which hook?");
	if (strcmp(argv[1], "post-merge") && strcmp(argv[1], "watch-cache"))
		kvmd_die("hook: unknown hook '%s'", argv[1]);
	repo = open_repository(&packs);
	if (!strcmp(argv[1], "post-merge"))
		log_to_file(git_repository_path(repo));
	runner_init(&r, repo, packs, &o);
	if (!strcmp(argv[1], "post-merge"))
		ret = hook_post_merge(&r, argc - 2, argv + 2);
	else
		ret = hook_watch_cache(&r);
	runner_release(&r);
	close_repository(repo, packs);
	return ret < 0 ? 128 : 0;
}

/* Is a boolean configuration value false, as git reads one? */
static int config_false(const char *v)
{
	return v && (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
		     !strcasecmp(v, "off") || !strcmp(v, "0") || !*v);
}

/*
 * Warns about every fetch refspec that writes `notes_ref` itself: each
 * fetch then replaces the local digests with the remote's.
 */
static void warn_notes_refspecs(git_repository *repo, const char *notes_ref)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;

	/*
	 * Every remote.<name>.fetch, read by hand: git_remote_list() matches
	 * names with a regex that libgit2 1.5 leaks (pcre2 match data).
	 */
	if (git_repository_config_snapshot(&cfg, repo) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		git_config_free(cfg);
		return;
	}
	while (git_config_next(&e, it) == 0) {
		size_t len = strlen(e->name);
		git_refspec *spec = NULL;

		if (strncmp(e->name, "remote.", 7) || len < 7 + 6 ||
		    strcmp(e->name + len - 6, ".fetch") || !e->value)
			continue;
		if (git_refspec_parse(&spec, e->value, 1) == 0 &&
		    git_refspec_dst_matches(spec, notes_ref)) {
			int n = (int)(len - 7 - 6);
			const char *remote = e->name + 7;

			kvmd_warning("remote.%.*s.fetch '%s' writes %s: every fetch replaces "
				     "the local digests with %.*s's; fetch them into "
				     "refs/notes/remotes/%.*s/%s instead (the hook keeps what "
				     "such a fetch throws away in %s-backup and merges it back)",
				     n, remote, e->value, notes_ref, n, remote, n, remote,
				     notes_ref + strlen("refs/notes/"), notes_ref);
		}
		git_refspec_free(spec);
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
}

static int cmd_hooks(int argc, const char **argv, int install)
{
	int no_fetch_hook = 0;
	struct kvmd_option install_options[] = {
		KVMD_OPT_BOOL_(0, "no-fetch-hook", &no_fetch_hook,
			       "only the post-merge hook: no process start on every ref update; "
			       "digest fetches with `git kvmdigest fetch`"),
		KVMD_OPT_END_(),
	};
	struct kvmd_option uninstall_options[] = { KVMD_OPT_END_() };
	struct kvmd_option *options = install ? install_options : uninstall_options;
	struct kvmd_buf dir = KVMD_BUF_INIT, src = KVMD_BUF_INIT, notes_ref = KVMD_BUF_INIT;
	struct kvmd_buf report = KVMD_BUF_INIT, err = KVMD_BUF_INIT;
	const char *const *usage = install ? install_usage : uninstall_usage;
	struct kvmd_config *cfg;
	const char *ref;
	git_repository *repo;
	int nr, ret, i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help")) {
			kvmd_usage_with_options(usage, options, 0);
			return 129;
		} else if (!strcmp(argv[i], "--")) {
			break;
		}
	nr = kvmd_parse_options(argc, argv, options);
	if (nr != 0) {
		if (nr > 0)
			kvmd_error("too many arguments");
		kvmd_usage_with_options(usage, options, nr != KVMD_PARSE_HELP);
		return 129;
	}
	repo = open_repository(NULL);
	cfg = kvmd_config_open(repo);
	ref = kvmd_config_get(cfg, "kvmdigest.notesRef");
	if (kvmd_notes_ref_expand(&notes_ref, ref ? ref : "kvmdigest", &err) < 0)
		kvmd_die("%s", err.ptr);
	if (kvmd_hooks_dir(&dir, repo, cfg, &err) < 0)
		kvmd_die("%s", err.ptr);
	if (install) {
		kvmd_hooks_source(&src, KVMD_SHAREDIR);
		ret = kvmd_hooks_install(dir.ptr, src.ptr, no_fetch_hook ? KVMD_HOOKS_NO_FETCH : 0,
					 &report, &err);
	} else {
		ret = kvmd_hooks_uninstall(dir.ptr, &report, &err);
	}
	fputs(report.ptr, stdout);
	fflush(stdout);
	if (ret < 0)
		kvmd_die("%s", err.ptr);
	if (install)
		warn_notes_refspecs(repo, notes_ref.ptr);
	if (install && !config_false(kvmd_config_get(cfg, "advice.kvmdigestHooks"))) {
		const char *name = notes_ref.ptr + strlen("refs/notes/");

		if (no_fetch_hook)
			fprintf(stderr, "hint: digests are noted in %s after every pull; fetch with\n"
				"hint:   git kvmdigest fetch [<fetch arguments>]\n"
				"hint: to digest what a fetch brings\n", notes_ref.ptr);
		else
			fprintf(stderr, "hint: digests are noted in %s after every pull and fetch;\n"
				"hint: git now starts the reference-transaction hook for every ref update "
				"(a rebase of 25 commits: 0.1 s -> 1.2 s); where that matters, use\n"
				"hint: install-hooks --no-fetch-hook and `git kvmdigest fetch` instead\n",
				notes_ref.ptr);
		fprintf(stderr, "hint: the first fetch after this has no earlier digest to start from: it "
			"digests what it brings to a ref that was there\n"
			"hint: before (<old>..<new>), not a ref it creates; for older history run "
			"git kvmdigest <old>..<new>\n"
			"hint: see the digests in git log with\n"
			"hint:   git config --add notes.displayRef %s\n"
			"hint: share them with a remote <name> with\n"
			"hint:   git push <name> %s\n"
			"hint: and read a team's with\n"
			"hint:   git config --add remote.<name>.fetch '+%s:refs/notes/remotes/<name>/%s'\n"
			"hint:   git config --add notes.displayRef 'refs/notes/remotes/*/%s'\n"
			"hint: Disable these hints with \"git config advice.kvmdigestHooks false\"\n",
			notes_ref.ptr, notes_ref.ptr, notes_ref.ptr, name, name);
	}
	kvmd_config_free(cfg);
	kvmd_buf_release(&dir);
	kvmd_buf_release(&src);
	kvmd_buf_release(&notes_ref);
	kvmd_buf_release(&report);
	kvmd_buf_release(&err);
	close_repository(repo, NULL);
	return 0;
}

/*
 * `fetch [<fetch arguments>]`: `git fetch`, then the digest without a
 * range of what it brought: what the reference-transaction hook does,
 * by hand, for checkouts that do without the hook.
 */
static int cmd_fetch(int argc, const char **argv)
{
	const char **args = kvmd_xcalloc((size_t)argc + 2, sizeof(*args));
	const char *digest_argv[] = { "kvmdigest", NULL };
	int i, status;
	pid_t pid;

	args[0] = "git";
	args[1] = "fetch";
	for (i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		kvmd_die("cannot run git fetch: %s", strerror(errno));
	if (pid == 0) {
		/* the installed hook, if any, leaves this fetch to us */
		setenv("KVMD_NO_HOOK", "1", 1);
		execvp("git", (char *const *)args);
		kvmd_error("cannot run git fetch: %s", strerror(errno));
		_exit(128);
	}
	free(args);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			kvmd_die("cannot wait for git fetch: %s", strerror(errno));
	if (!WIFEXITED(status))
		return 128;
	if (WEXITSTATUS(status))
		return WEXITSTATUS(status);
	return cmd_digest(1, digest_argv);
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

/*
 * libgit2 1.5, built with mbedTLS (Debian's is), parses the whole system
 * CA bundle in git_libgit2_init(), which offers no way to skip it: 8-10
 * ms of every run, and of the fetch hook's digest, for certificates this
 * program never checks (it opens no connection through libgit2: `git
 * kvmdigest fetch` runs git).  Defining the one function that reads the
 * bundle here makes the dynamic linker bind libgit2's call to this one,
 * which loads nothing.  It fails safe: a TLS connection made through
 * libgit2 would find no trusted certificate and be refused.  A libgit2
 * built with OpenSSL, or without TLS, never calls it.
 * t/t7140-startup.sh checks that the binding holds.
 */
struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

/*
 * The same for libssh2, which libgit2 1.5 initializes in
 * git_libgit2_init(): libssh2_init() sets up its crypto library
 * (OpenSSL's algorithms, engines and configuration file), and
 * libssh2_exit() and OpenSSL's exit handlers tear it down again.  This
 * program opens no SSH session through libgit2 (`git kvmdigest fetch`
 * runs git), so libgit2's calls bind to these, which do nothing; OpenSSL
 * 1.1 and later initialize themselves when first used anyway.
 * t/t7140-startup.sh checks the binding and that no run reads OpenSSL's
 * configuration.
 */
int libssh2_init(int flags);
int libssh2_init(int flags)
{
	(void)flags;
	return 0;
}

void libssh2_exit(void);
void libssh2_exit(void)
{
}

static void set_libgit2_policy(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

/*
 * SQLite counts every allocation under a global mutex, for
 * sqlite3_memory_used(), which nothing here asks: 5% of the index
 * build's SQLite instructions.  Before SQLite's first use.
 */
static void set_sqlite_policy(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Indexes the history of one archive up to `tip`; 0, or -1 after saying why. */
static int index_one(struct runner *r, struct index_run *ir, const char *name,
		     const git_oid *tip)
{
	struct kvmd_buf err = KVMD_BUF_INIT;
	size_t before = ir->added;
	int ret = 0;

	if (kvmd_index_archive(ir->ix, name, &err) < 0 ||
	    index_history(r, ir, tip, &err) < 0 ||
	    kvmd_index_set_tip(ir->ix, tip, &err) < 0)
		ret = kvmd_error("cannot index %s: %s", name, err.ptr);
	else if (!r->o->quiet)
		fprintf(stderr, "%s: indexed %zu mails\n", name, ir->added - before);
	kvmd_buf_release(&err);
	return ret;
}

/*
 * `index [--rebuild] [<rev>...]`: brings the archive index up to each
 * <rev>, or to every watched ref; --rebuild starts from an empty index.
 * One transaction: what fails leaves the index as it was.
 */
/* for_each_watched()'s step of `git kvmdigest index`: one watched ref. */
static int index_ref(struct runner *r, git_reference *ref, void *data)
{
	return index_one(r, data, git_reference_name(ref), git_reference_target(ref));
}

static int cmd_index(int argc, const char **argv)
{
	struct digest_opts o = { .top = -1, .jobs = -1, .progress = -1, .pager = 0 };
	int rebuild = 0;
	struct kvmd_option index_options[] = {
		KVMD_OPT_BOOL_(0, "rebuild", &rebuild, "start from an empty index"),
		KVMD_OPT_INT_('j', "jobs", &o.jobs, "<n>", "read with <n> threads (default: the number of cores)"),
		KVMD_OPT_BOOL_(0, "progress", &o.progress, "show progress even when not on a terminal"),
		KVMD_OPT_BOOL_('q', "quiet", &o.quiet, "do not report progress"),
		KVMD_OPT_END_(),
	};
	struct kvmd_buf err = KVMD_BUF_INIT;
	struct kvmd_packs *packs;
	struct index_run ir;
	struct runner r;
	git_repository *repo;
	size_t total = 0;
	int nr, i, ret = 0;

	nr = kvmd_parse_options(argc, argv, index_options);
	if (nr < 0) {
		kvmd_usage_with_options(index_usage, index_options, nr != KVMD_PARSE_HELP);
		return 129;
	}
	repo = open_repository(&packs);
	runner_init(&r, repo, packs, &o);
	index_init(&r, &ir);
	index_open(&r, &ir, rebuild, 1);
	for (i = 0; i < nr && !ret; i++) {
		git_object *obj = NULL, *commit = NULL;

		if (git_revparse_single(&obj, repo, argv[i]) < 0 ||
		    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0)
			ret = kvmd_error("not a commit: '%s'", argv[i]);
		else
			ret = index_one(&r, &ir, argv[i], git_object_id(commit));
		git_object_free(commit);
		git_object_free(obj);
	}
	if (!nr)
		ret = for_each_watched(&r, "index", 0, index_ref, &ir);
	if (!ret && (kvmd_index_update_series(ir.ix, &err) < 0 ||
		     kvmd_index_count(&total, ir.ix, &err) < 0 ||
		     kvmd_index_commit(ir.ix, &err) < 0))
		ret = kvmd_error("cannot write the archive index '%s': %s", ir.path.ptr, err.ptr);
	if (!ret && !o.quiet)
		fprintf(stderr, "the archive index %s holds %zu mails\n", ir.path.ptr, total);
	index_release(&ir);
	runner_release(&r);
	kvmd_buf_release(&err);
	close_repository(repo, packs);
	return ret ? 128 : 0;
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
	{ "fetch", cmd_fetch },
	{ "index", cmd_index },
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
	/* the fetch hook's foreground and `hook wait` start nothing they do not need */
	if (argc > 2 && !strcmp(argv[1], "hook") && !strcmp(argv[2], "reference-transaction"))
		return hook_reference_transaction(argc - 3, argv + 3);
	if (argc > 2 && !strcmp(argv[1], "hook") && !strcmp(argv[2], "wait"))
		return hook_wait();
	git_libgit2_init();
	set_libgit2_policy();
	set_sqlite_policy();
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
