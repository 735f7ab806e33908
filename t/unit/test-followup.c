/*
 * Unit tests for lib/followup.c: the follow-up trailers of a reply as
 * `b4 am` collects them, the b4 change-id and the Message-IDs a body
 * links to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/buf.h"
#include "../../lib/followup.h"

struct fixture {
	struct kvmd_trailer_parser *p;
	struct kvmd_trailers t;
	char **links;
	size_t nlinks;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->p = kvmd_trailer_parser_new(NULL);
	if (!f->p)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	kvmd_trailers_release(&f->t);
	kvmd_trailer_parser_free(f->p);
	for (i = 0; i < f->nlinks; i++)
		free(f->links[i]);
	free(f->links);
	free(f);
	return 0;
}

/* Parses `body` and checks the trailers found, one "key|value|name|email" line each. */
static void check(struct fixture *f, const char *body, int html, const char *want)
{
	struct kvmd_buf got = KVMD_BUF_INIT;
	size_t i, n;

	kvmd_trailers_release(&f->t);
	n = kvmd_followups_parse(&f->t, f->p, body, strlen(body), html);
	assert_int_equal(n, f->t.nr);
	for (i = 0; i < f->t.nr; i++)
		kvmd_buf_addf(&got, "%s|%s|%s|%s\n", f->t.v[i].key, f->t.v[i].value,
			      f->t.v[i].name ? f->t.v[i].name : "-",
			      f->t.v[i].email ? f->t.v[i].email : "-");
	assert_string_equal(got.ptr, want);
	kvmd_buf_release(&got);
}

/* A review: the reviewer's own lines count, the quoted ones and the signature's do not. */
static void test_followup_reply(void **state)
{
	check(*state,
	      "On Mon, Oct 20, 2025, Paolo Bonzini wrote:\n"
	      "> Signed-off-by: Paolo Bonzini <pbonzini@redhat.com>\n"
	      ">   Reviewed-by: Quoted Reviewer <q@example.com>\n"
	      "> > Acked-by: Deeper <d@example.com>\n"
	      "\n"
	      "Looks good.\n"
	      "\n"
	      "Reviewed-by: Sean Christopherson <seanjc@google.com>\n"
	      "  Tested-by: Sean Christopherson <seanjc@google.com> # on SPR\n"
	      "Cc: stable@vger.kernel.org\n"
	      "Fixes: 1234abcd5678 (\"KVM: x86: break it\")\n"
	      "Reported-by: syzbot+abc@syzkaller.appspotmail.com\n"
	      "-- \n"
	      "Acked-by: In The Signature <s@example.com>\n",
	      0,
	      "Reviewed-by|Sean Christopherson <seanjc@google.com>|Sean Christopherson|seanjc@google.com\n"
	      "Tested-by|Sean Christopherson <seanjc@google.com>|Sean Christopherson|seanjc@google.com\n"
	      "Reported-by|syzbot+abc@syzkaller.appspotmail.com|-|syzbot+abc@syzkaller.appspotmail.com\n");
}

/* A bare address, a name wrapped onto the next line, odd key case, a value that is a URL. */
static void test_followup_forms(void **state)
{
	check(*state,
	      "Acked-by: marc@kernel.org\n"
	      "Reviewed-by: Someone With A Very Long Name Indeed\n"
	      "  <long@example.com>\n"
	      "reviewed-BY: Lower <l@example.com>\n"
	      "Tested-by: https://ci.example.com/user@host\n"
	      "Acked-by: nobody in particular\n"
	      "Acked-by:Glued <g@example.com>\n"
	      "Not a trailer: Foo <f@example.com>\n"
	      "Suggested-by: \"Doe, John\" <jd@example.com>\n",
	      0,
	      "Acked-by|marc@kernel.org|-|marc@kernel.org\n"
	      "Reviewed-by|Someone With A Very Long Name Indeed <long@example.com>|"
	      "Someone With A Very Long Name Indeed|long@example.com\n"
	      "reviewed-BY|Lower <l@example.com>|Lower|l@example.com\n"
	      "Suggested-by|\"Doe, John\" <jd@example.com>|Doe, John|jd@example.com\n");
}

/*
 * A quoted patch with the review below it counts; a diff the reply
 * carries itself ends the reply's own text (its context lines are the
 * patch's trailers).
 */
static void test_followup_diffs(void **state)
{
	struct fixture *f = *state;

	check(f,
	      "> diff --git a/x.c b/x.c\n"
	      "> @@ -1 +1 @@\n"
	      "> -a\n"
	      "> +b\n"
	      "\n"
	      "Reviewed-by: After Quote <aq@example.com>\n",
	      0, "Reviewed-by|After Quote <aq@example.com>|After Quote|aq@example.com\n");
	check(f,
	      "Acked-by: Before <b@example.com>\n"
	      "\n"
	      "Something like this on top:\n"
	      "\n"
	      "diff --git a/x.c b/x.c\n"
	      "--- a/x.c\n"
	      "+++ b/x.c\n"
	      "@@ -1,3 +1,3 @@\n"
	      " Signed-off-by: Context <c@example.com>\n"
	      "+Reviewed-by: Added <a@example.com>\n",
	      0, "Acked-by|Before <b@example.com>|Before|b@example.com\n");
	check(f,
	      "Acked-by: Before <b@example.com>\n"
	      "--- a/x.c\n"
	      "+++ b/x.c\n"
	      " Tested-by: Context <c@example.com>\n",
	      0, "Acked-by|Before <b@example.com>|Before|b@example.com\n");
	check(f,
	      "Acked-by: Before <b@example.com>\n"
	      "@@ -1 +1 @@\n"
	      " Tested-by: Context <c@example.com>\n",
	      0, "Acked-by|Before <b@example.com>|Before|b@example.com\n");
	/* `---` alone is not a diff: a reviewer's separator */
	check(f,
	      "---\n"
	      "Acked-by: After Dashes <d@example.com>\n",
	      0, "Acked-by|After Dashes <d@example.com>|After Dashes|d@example.com\n");
}

/* CRLF line ends and a last line without a line break. */
static void test_followup_line_ends(void **state)
{
	check(*state,
	      "> Acked-by: Q <q@example.com>\r\n"
	      "Reviewed-by: R <r@example.com>\r\n"
	      "Acked-by: A <a@example.com>",
	      0,
	      "Reviewed-by|R <r@example.com>|R|r@example.com\n"
	      "Acked-by|A <a@example.com>|A|a@example.com\n");
	check(*state, "", 0, "");
	check(*state, "Reviewed-by: X\n", 0, "");
}

/*
 * An HTML-only reply as Gmail writes one: entities, a link around the
 * address, non-breaking spaces, a quote in <blockquote>, a style sheet,
 * a comment, a signature.
 */
static void test_followup_html(void **state)
{
	check(*state,
	      "<html><head><style>p { x: 1 }</style><title>Acked-by: T &lt;t@example.com&gt;</title>"
	      "</head><body>\n"
	      "<!-- Acked-by: Comment <c@example.com> -->\n"
	      "<div dir=\"ltr\">Looks right to me.<br><br>Reviewed-by: Marc&nbsp;Zyngier\n"
	      "  &lt;<a href=\"mailto:maz@kernel.org\">maz@kernel.org</a>&gt;<br>"
	      "Tested-by:&#160;Marc Zyngier &#x3C;maz@kernel.org&#62;</div>"
	      "<div class=\"gmail_quote\"><div>On Mon, X wrote:<br></div>"
	      "<blockquote class=\"gmail_quote\" style=\"margin:0\">"
	      "<div>Signed-off-by: Author &lt;a@example.com&gt;</div>"
	      "<blockquote><p>Acked-by: Deep &lt;d@example.com&gt;</p></blockquote>"
	      "</blockquote></div>"
	      "<p>Acked-by: K&ouml;ln &lt;k@example.com&gt;</p>"
	      "<pre>Acked-by: Pre &lt;p@example.com&gt;\nmore</pre>"
	      "<div>-- </div><div>Acked-by: Sig &lt;s@example.com&gt;</div>"
	      "</body></html>\n",
	      1,
	      "Reviewed-by|Marc Zyngier <maz@kernel.org>|Marc Zyngier|maz@kernel.org\n"
	      "Tested-by|Marc Zyngier <maz@kernel.org>|Marc Zyngier|maz@kernel.org\n"
	      "Acked-by|K\xc3\xb6ln <k@example.com>|K\xc3\xb6ln|k@example.com\n"
	      "Acked-by|Pre <p@example.com>|Pre|p@example.com\n");
}

/* The same text read as HTML and as plain text differ only by the markup. */
static void test_followup_html_plain_text(void **state)
{
	check(*state, "Reviewed-by: A &lt;a@example.com&gt;\n", 0, "");
	check(*state, "Reviewed-by: A &lt;a@example.com&gt;\n", 1,
	      "Reviewed-by|A <a@example.com>|A|a@example.com\n");
	/* a tag that never closes, an entity that never ends: no overrun */
	check(*state, "Reviewed-by: A <a@example.com&gt", 1, "");
	check(*state, "<div>Reviewed-by: b@example.com &amp", 1,
	      "Reviewed-by|b@example.com &amp|-|b@example.com\n");
}

static void test_followup_key(void **state)
{
	(void)state;
	assert_true(kvmd_followup_key("Reviewed-by"));
	assert_true(kvmd_followup_key("acked-BY"));
	assert_true(kvmd_followup_key("Co-developed-by"));
	assert_true(kvmd_followup_key("Signed-off-by"));
	assert_false(kvmd_followup_key("Cc"));
	assert_false(kvmd_followup_key("-by"));
	assert_false(kvmd_followup_key("Fixes"));
	assert_false(kvmd_followup_key("Reviewed by"));
	assert_false(kvmd_followup_key("1-by"));
	assert_false(kvmd_followup_key("Link"));
}

static void test_followup_change_id(void **state)
{
	const char *cover =
		"This series does things.\n"
		"\n"
		"---\n"
		"base-commit: 0123456789abcdef\n"
		"change-id: 20251020-kvm-things-1a2b3c4d5e6f\n"
		"\n"
		"Best regards,\n"
		"-- \n"
		"change-id: in-the-signature\n";
	char *id;

	(void)state;
	id = kvmd_followup_change_id(cover, strlen(cover));
	assert_non_null(id);
	assert_string_equal(id, "20251020-kvm-things-1a2b3c4d5e6f");
	free(id);
	assert_null(kvmd_followup_change_id("> change-id: quoted\n", 20));
	assert_null(kvmd_followup_change_id("change-id:\n", 11));
	assert_null(kvmd_followup_change_id("", 0));
	/* a NUL is no id (found by fuzz-followup) */
	assert_null(kvmd_followup_change_id("change-id:\0\0 202510\n", 20));
	id = kvmd_followup_change_id("Change-Id:  abc \n", 17);
	assert_string_equal(id, "abc");
	free(id);
}

static void check_links(struct fixture *f, const char *body, size_t want_added, const char *want)
{
	struct kvmd_buf got = KVMD_BUF_INIT;
	size_t i;

	assert_int_equal(kvmd_followup_links(&f->links, &f->nlinks, body, strlen(body)),
			 want_added);
	for (i = 0; i < f->nlinks; i++)
		kvmd_buf_addf(&got, "%s\n", f->links[i]);
	assert_string_equal(got.ptr, want);
	kvmd_buf_release(&got);
}

/* What test_followup_links() finds in its first body, then its second. */
#define FIRST_LINKS \
	"20251020120000.1-1-a@example.com\n" \
	"abc.def@x.org\n" \
	"a/b@c>@example.com\n" \
	"20251001.42@host\n" \
	"cover.1@example.com\n" \
	"bracketed@example.com\n"
#define SECOND_LINKS FIRST_LINKS "new@x\n"

static void test_followup_links(void **state)
{
	struct fixture *f = *state;

	check_links(f,
		"Changes in v2:\n"
		"- v1: https://lore.kernel.org/kvm/20251020120000.1-1-a@example.com/\n"
		"- see https://lore.kernel.org/r/abc.def@x.org.\n"
		"- and https://lore.kernel.org/all/a%2Fb%40c%3E@example.com/T/#u\n"
		"- and https://patch.msgid.link/20251001.42@host, thanks\n"
		"- again https://lore.kernel.org/kvm/20251020120000.1-1-a@example.com/T/\n"
		"- not https://lore.kernel.org/kvm/?q=f:a@example.com nor "
		"https://bugzilla.kernel.org/show_bug.cgi?id=1\n"
		"- nor https://user@example.com/path/x\n"
		"Link: <cover.1@example.com>\n"
		"Link: https://lore.kernel.org/kvm/%3Cbracketed@example.com%3E\n"
		"Not a link: <other@example.com>\n",
		6, FIRST_LINKS);
	/* appends; a link with a control character (decoded) is no Message-ID */
	check_links(f, "https://msgid.link/new@x\nhttps://msgid.link/bad%0A@x\nhttps://\n", 1,
		    SECOND_LINKS);
	/* any case of http or https, several on one line, at its very end; no other scheme */
	check_links(f, "a:HTTP://lore.kernel.org/kvm/up@x/, Https://msgid.link/mixed@x:\n"
		    "ftp://host/ftp@x/ xhttps://msgid.link/glued@x http:/one@x https:// "
		    "https:https://msgid.link/twice@x\nhttp://msgid.link/last@x", 5,
		    SECOND_LINKS "up@x\nmixed@x\nglued@x\ntwice@x\nlast@x\n");
}

/* Addresses compared as b4 compares a trailer's with its sender's. */
static void test_followup_same_address(void **state)
{
	(void)state;
	assert_true(kvmd_followup_same_address("maz@kernel.org", "MAZ@Kernel.ORG"));
	assert_true(kvmd_followup_same_address("kai.huang+lkml@intel.com", "kai.huang@intel.com"));
	assert_true(kvmd_followup_same_address("x.li@linux.intel.com", "x.li@intel.com"));
	assert_true(kvmd_followup_same_address("x.li@intel.com", "x.li+a@linux.intel.com"));
	assert_false(kvmd_followup_same_address("x.li@a.b.intel.com", "x.li@intel.com"));
	assert_false(kvmd_followup_same_address("x.li@linuxintel.com", "x.li@intel.com"));
	assert_false(kvmd_followup_same_address("x@intel.com", "y@intel.com"));
	assert_false(kvmd_followup_same_address("x@com", "x@intel.com"));
	assert_false(kvmd_followup_same_address("x@", "x@intel.com"));
	assert_false(kvmd_followup_same_address("nobody", "nobody@x.org"));
	assert_true(kvmd_followup_same_address("", ""));
	assert_false(kvmd_followup_same_address("", "a@b.c"));
}

/*
 * A body of 100,000 links (a hostile cover letter): each kept once, the
 * list checked by a hash, not by a scan per link.
 */
static void test_followup_many_links(void **state)
{
	struct kvmd_buf body = KVMD_BUF_INIT;
	char **links = NULL;
	size_t nr = 0, i;

	(void)state;
	for (i = 0; i < 100000; i++)
		kvmd_buf_addf(&body, "https://lore.kernel.org/kvm/%zu@x/ Link: <%zu@x>\n", i, i);
	assert_int_equal(kvmd_followup_links(&links, &nr, body.ptr, body.len), 100000);
	assert_int_equal(nr, 100000);
	assert_string_equal(links[0], "0@x");
	assert_string_equal(links[99999], "99999@x");
	/* again: nothing new */
	assert_int_equal(kvmd_followup_links(&links, &nr, body.ptr, body.len), 0);
	for (i = 0; i < nr; i++)
		free(links[i]);
	free(links);
	kvmd_buf_release(&body);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_followup_reply),
		T(test_followup_forms),
		T(test_followup_diffs),
		T(test_followup_line_ends),
		T(test_followup_html),
		T(test_followup_html_plain_text),
		T(test_followup_key),
		T(test_followup_change_id),
		T(test_followup_links),
		T(test_followup_same_address),
		T(test_followup_many_links),
	};

	return cmocka_run_group_tests_name("followup", tests, NULL, NULL);
}
