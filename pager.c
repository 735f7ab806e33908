/*
 * The front end's pager: git's rules, paraphrased from git's pager.c
 * (see pager.h).  Part of the program, not of lib/: it forks, rewires
 * the standard streams and installs signal handlers.
 */
#include "pager.h"
#include "lib/usage.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t pager_pid = -1;

const char *kvmd_pager_program(const char *configured)
{
	const char *pager;

	if (!isatty(1))
		return NULL;
	pager = getenv("GIT_PAGER");
	if (!pager)
		pager = configured;
	if (!pager)
		pager = getenv("PAGER");
	if (!pager)
		pager = "less";
	if (!*pager || !strcmp(pager, "cat"))
		return NULL;
	return pager;
}

/* EOF for the pager, then wait until the user is done with it. */
static void wait_for_pager(int in_signal)
{
	if (pager_pid < 0)
		return;
	if (!in_signal) {
		fflush(stdout);
		fflush(stderr);
	}
	close(1);
	close(2);
	while (waitpid(pager_pid, NULL, 0) < 0 && !in_signal)
		; /* EINTR: again; in a handler, once is all it may do */
	pager_pid = -1;
}

static void wait_for_pager_atexit(void)
{
	wait_for_pager(0);
}

static void wait_for_pager_signal(int sig)
{
	wait_for_pager(1);
	signal(sig, SIG_DFL);
	raise(sig);
}

void kvmd_pager_start(const char *pager)
{
	static const int signals[] = { SIGINT, SIGHUP, SIGTERM, SIGQUIT, SIGPIPE };
	int fd[2];
	size_t i;

	fflush(NULL);
	/*
	 * Once standard output is the pipe, its width is gone: tell the
	 * pager (and what it runs) through COLUMNS, as git does.
	 */
	if (!getenv("COLUMNS")) {
		struct winsize ws;
		unsigned width = 80; /* git's term_columns() when the terminal does not say */
		char cols[16];

		if (!ioctl(1, TIOCGWINSZ, &ws) && ws.ws_col)
			width = ws.ws_col;
		snprintf(cols, sizeof(cols), "%u", width);
		setenv("COLUMNS", cols, 0);
	}
	if (pipe(fd) < 0)
		kvmd_die("cannot start the pager '%s': cannot make a pipe", pager);
	setenv("GIT_PAGER_IN_USE", "true", 1);
	pager_pid = fork();
	if (pager_pid < 0)
		kvmd_die("cannot start the pager '%s': cannot fork", pager);
	if (!pager_pid) {
		fd_set in, failed;

		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		setenv("LESS", "FRX", 0);
		setenv("LV", "-c", 0);
		/* as git does: less misbehaves when started before its input is there */
		FD_ZERO(&in);
		FD_SET(0, &in);
		failed = in;
		select(1, &in, NULL, &failed, NULL);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	dup2(fd[1], 1);
	if (isatty(2))
		dup2(fd[1], 2);
	close(fd[0]);
	close(fd[1]);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], wait_for_pager_signal);
	atexit(wait_for_pager_atexit);
}
