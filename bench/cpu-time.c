/* Runs a command and reports the CPU time it used (user and system, from wait4's rusage, to the
 * microsecond: finer than time(1)'s hundredths) and its peak resident memory.
 *
 * Usage: cpu-time COMMAND [ARGS...]
 * The command's stdout and stderr pass through; then one line goes to stderr:
 *   cpu-time: user_s=U sys_s=S maxrss_kib=M status=X
 * The exit status is the command's (128 + signal if it was killed, 127 if it could not run). */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: cpu-time COMMAND [ARGS...]\n");
      return 2;
    }
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    {
      perror ("cpu-time: fork");
      return 127;
    }
  if (pid == 0)
    {
      execvp (argv[1], argv + 1);
      perror ("cpu-time: exec");
      _exit (127);
    }
  int status;
  struct rusage ru;
  if (wait4 (pid, &status, 0, &ru) < 0)
    {
      perror ("cpu-time: wait4");
      return 127;
    }
  int code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  fprintf (stderr, "cpu-time: user_s=%ld.%06ld sys_s=%ld.%06ld maxrss_kib=%ld status=%d\n",
           (long) ru.ru_utime.tv_sec, (long) ru.ru_utime.tv_usec, (long) ru.ru_stime.tv_sec,
           (long) ru.ru_stime.tv_usec, ru.ru_maxrss, code);
  return code;
}
