/* The configuration file: "key = value" lines, one per option, '#' comments. Every key is a
 * command-line option's name (without "--"); options given on the command line win. */
#ifndef GL_CONFIG_H
#define GL_CONFIG_H

#include "rpc.h"
#include "server.h"

/* Reads path into o, over what o holds. Returns 0, or -1 with err naming the line and the
 * reason. The strings it stores stay allocated until gl_config_free(). */
int gl_config_load(const char *path, struct gl_options *o, struct gl_err *err);
/* The value of --config in argv, if any (looked up before the other options are applied). */
const char *gl_config_path(int argc, char **argv);
void gl_config_free(void);
/* Parses value for the NUMBER key (its range checked); on failure, why says what is wrong. */
int gl_config_number(const char *key, const char *value, long *out, char *why, size_t n);

#endif
