#ifndef KVMD_PAGER_H
#define KVMD_PAGER_H

/*
 * The front end's pager, with git's rules (git's pager.c and git.c):
 * standard output goes through a pager only when it is a terminal; the
 * pager is $GIT_PAGER, else the one configured (pager.<cmd> when it is
 * a command rather than a boolean, else core.pager), else $PAGER, else
 * `less`; an empty pager or `cat` means none.  It runs through the shell
 * with LESS=FRX and LV=-c unless those are set, and sees
 * GIT_PAGER_IN_USE=true and the terminal's width in COLUMNS, as git's
 * pager does.  Standard error goes to
 * it too when it is a terminal.  At exit, and on a fatal signal, the
 * program closes its end and waits for the pager.
 *
 * `git --no-pager kvmdigest` reaches us as GIT_PAGER=cat, and when git
 * pages us itself (`git -p kvmdigest`, pager.kvmdigest=true) our
 * standard output is its pipe, not a terminal: nothing to do twice.
 */

/*
 * The pager command for standard output, or NULL for none.  `configured`
 * is the configuration's choice (pager.<cmd> or else core.pager), or NULL.
 */
const char *kvmd_pager_program(const char *configured);

/* Starts `pager` and sends standard output (and a terminal's stderr) to it. */
void kvmd_pager_start(const char *pager);

#endif
