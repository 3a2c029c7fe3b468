/*-------------------------------------------------------------------------
 *
 * innotrue.h
 *	  Declarations shared by the innotrue C sources.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_H
#define INNOTRUE_H

#include "postgres.h"

/* Name of the extension's schema; fixed by innotrue.control (not relocatable). */
#define INNOTRUE_SCHEMA "innotrue"

extern char *innotrue_user_id_setting;

#endif							/* INNOTRUE_H */
