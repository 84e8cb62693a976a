/* The staff roles, in one list shared by the daemon (method gates, stored users,
 * server.describe) and protocol/README.md's Roles table, which tests/unit/test_roles.c keeps
 * equal to it. Lowest first: a role may do everything the roles before it may. */
#ifndef GL_ROLES_H
#define GL_ROLES_H

/* X(enum, wire name, label, what it may do, the name with its article). The rank is the place in
 * this list (1 up); the wire names are stored in users' records, so a name never changes. The
 * client shows "may" on its People screen and role chooser. */
#define GL_ROLES(X)                                                                                \
    X(ROLE_VIEWER, "viewer", "Viewer", "reads calendars, posts and notifications", "a viewer")     \
    X(ROLE_EDITOR, "editor", "Editor", "writes posts, submits them, comments", "an editor")        \
    X(ROLE_MANAGER, "manager", "Manager", "approves, schedules, manages profiles and links",       \
      "a manager")                                                                                 \
    X(ROLE_ADMIN, "admin", "Admin", "everything, and the people of the team", "an admin")

/* ROLE_NONE: not logged in, or an unknown name; a method whose role is ROLE_NONE needs none. */
#define GL_ROLE_ENUM(id, name, label, may, article) id,
enum gl_role { ROLE_NONE, GL_ROLES(GL_ROLE_ENUM) ROLE_COUNT };
#undef GL_ROLE_ENUM

#endif
