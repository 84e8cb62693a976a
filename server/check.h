/* greenlightd check: verifies a store's invariants (indexes, children, tokens, records). */
#ifndef GL_CHECK_H
#define GL_CHECK_H

/* Runs "greenlightd check --data DIR"; argv[0] is "check". Prints one line per problem on
 * standard error and a summary on standard output. Returns the exit status: 0 consistent,
 * 1 problems found, 2 usage or the store cannot be opened. */
int gl_check_main(int argc, char **argv);

#endif
