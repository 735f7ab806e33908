# lib-inbox.sh - build public-inbox v2 archives with the real tools
#
# Sourced after test-lib.sh (or by sample/make-sample.sh, with HOME set to
# a scratch directory).  public-inbox keeps its configuration in
# $HOME/.public-inbox/config, so every inbox made here lives in that HOME.
#
#	inbox_create DIR [NAME [ADDRESS]]
#	inbox_deliver DIR FILE...
#	inbox_deliver_mbox DIR MBOX
#
# An inbox's first epoch, where each delivered message is one commit on
# refs/heads/master, is the bare repository DIR/git/0.git.
#
# Commits carry the inbox's name and address as committer, so the default
# name "kvm" and address "kvm@vger.kernel.org" are what reproduces the
# archive's hashes.  Give every further inbox its own NAME and ADDRESS:
# public-inbox-mda picks the inbox by recipient address, and
# public-inbox-init given a NAME again silently repoints it to the new DIR.
#
# public-inbox names the branch after `git config --global init.defaultBranch`
# (test-lib.sh sets it to main); lore's archives, and so these, use master:
# public-inbox commands run with a global git config of their own that says so.

if command -v public-inbox-init >/dev/null 2>&1 &&
   command -v public-inbox-mda >/dev/null 2>&1 &&
   command -v test_set_prereq >/dev/null 2>&1
then
	test_set_prereq PUBLIC_INBOX
fi

inbox_config_ () {
	echo "$HOME/.public-inbox/config"
}

inbox_gitconfig_ () {
	echo "$HOME/.public-inbox/gitconfig"
}

# inbox_create DIR [NAME [ADDRESS]]: a new, empty v2 inbox at DIR.
inbox_create () {
	mkdir -p "$HOME/.public-inbox" &&
	git config -f "$(inbox_gitconfig_)" init.defaultBranch master &&
	GIT_CONFIG_GLOBAL=$(inbox_gitconfig_) public-inbox-init -V2 -L basic "${2:-kvm}" "$1" \
		"http://example.com/${2:-kvm}" "${3:-kvm@vger.kernel.org}" &&
	# No spam filter: delivery must not depend on SpamAssassin being there.
	git config -f "$(inbox_config_)" publicinboxmda.spamcheck none
}

# Print the first address of the inbox at DIR, from public-inbox's config
# (which records DIR as an absolute path).
inbox_address_ () {
	inbox_abs_=$(cd "$1" 2>/dev/null && pwd) || return 1
	git config -f "$(inbox_config_)" --get-regexp '^publicinbox\..*\.inboxdir$' |
	while read -r inbox_key_ inbox_val_
	do
		test "$inbox_val_" = "$inbox_abs_" || continue
		inbox_key_=${inbox_key_#publicinbox.}
		git config -f "$(inbox_config_)" --get-all \
			"publicinbox.${inbox_key_%.inboxdir}.address" | sed 1q
		break
	done
}

# inbox_deliver DIR FILE...: deliver each raw message, in order, as the
# list server would.  An mbox "From " line on top is fine (mda drops it).
inbox_deliver () {
	inbox_addr_=$(inbox_address_ "$1")
	if test -z "$inbox_addr_"
	then
		echo "inbox_deliver: no inbox at '$1'" >&2
		return 1
	fi
	shift
	inbox_emerg_="${PI_EMERGENCY:-$HOME/.public-inbox/emergency}/new"
	for inbox_msg_
	do
		# mda exits 0 even when it does not deliver (a Message-ID it
		# already has): it then leaves the message in its emergency
		# Maildir, so a new file there is a failure too.
		inbox_before_=$(ls "$inbox_emerg_" 2>/dev/null | wc -l) &&
		GIT_CONFIG_GLOBAL=$(inbox_gitconfig_) \
		ORIGINAL_RECIPIENT=$inbox_addr_ \
			public-inbox-mda --no-precheck <"$inbox_msg_" &&
		inbox_after_=$(ls "$inbox_emerg_" 2>/dev/null | wc -l) &&
		if test "$inbox_before_" != "$inbox_after_"
		then
			echo "inbox_deliver: '$inbox_msg_' not delivered" >&2
			false
		fi || return 1
	done
}

# inbox_deliver_mbox DIR MBOX: deliver every message of an mboxrd file,
# in file order.
inbox_deliver_mbox () {
	inbox_split_=$(mktemp -d "${TMPDIR:-/tmp}/inbox-split.XXXXXX") ||
		return 1
	# -d6 keeps the names sorting in file order past 9999 messages.
	git mailsplit --mboxrd -d6 -o"$inbox_split_" "$2" >/dev/null &&
	inbox_deliver "$1" "$inbox_split_"/*
	inbox_ret_=$?
	rm -rf "$inbox_split_"
	return $inbox_ret_
}

# mail FILE MESSAGE-ID DATE FROM SUBJECT [IN-REPLY-TO [REFERENCES]]: writes
# a small message whose body comes from stdin (References defaults to
# the In-Reply-To id).
mail () {
	{
		echo "From: $4"
		echo "To: kvm@vger.kernel.org"
		echo "Subject: $5"
		echo "Date: $3"
		echo "Message-ID: <$2>"
		if test -n "$6"
		then
			echo "In-Reply-To: <$6>"
			echo "References: ${7:-<$6>}"
		fi
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=UTF-8"
		echo "Content-Transfer-Encoding: 8bit"
		echo
		cat
	} >"$1"
}
