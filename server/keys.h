/* Transitional: the key layouts are in storekeys.h. Only store.h still includes this name (its
 * file belongs to the durable-writes branch); drop this header once store.h includes
 * storekeys.h. */
#include "storekeys.h"
