/* The daemon's one server instance, reached by handlers through gl_srv (see server.h). */
#include "server.h"

struct gl_server *gl_srv;
