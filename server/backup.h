/* greenlightd backup / restore: a compacted copy of a live store, and putting one back. */
#ifndef GL_BACKUP_H
#define GL_BACKUP_H

/* "greenlightd backup --data DIR FILE"; argv[0] is "backup". Returns the exit status. */
int gl_backup_main(int argc, char **argv);
/* "greenlightd restore --data DIR [--force] FILE"; argv[0] is "restore". */
int gl_restore_main(int argc, char **argv);

#endif
