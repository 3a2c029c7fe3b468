/*-------------------------------------------------------------------------
 *
 * spi_stmt.h
 *	  SQL statements kept in C: each a named constant with its argument
 *	  types, prepared once per backend, run with arguments built by a
 *	  builder that knows the statement's arity.
 *
 * Usage:
 *	  static SpiStatement q_grant = SPI_STATEMENT("INSERT ... $1, $2", UUIDOID, INT8OID);
 *	  SpiArgs a; spi_args_init(&a, &q_grant);
 *	  spi_arg(&a, 1, id); spi_arg_null(&a, 2);	-- arguments numbered as $n
 *	  spi_run(&q_grant, &a);
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_SPI_STMT_H
#define INNOTRUE_SPI_STMT_H

#include "postgres.h"

#include "executor/spi.h"

#define SPI_STMT_MAX_ARGS 12

typedef struct SpiStatement
{
	const char *sql;
	int			nargs;
	Oid			argtypes[SPI_STMT_MAX_ARGS];
	SPIPlanPtr	plan;			/* generic plan, kept once prepared */
} SpiStatement;

#define SPI_STATEMENT(sql, ...) \
	{(sql), lengthof(((Oid[]) {InvalidOid, ##__VA_ARGS__})) - 1, {__VA_ARGS__}, NULL}

/* The arguments of one run: every one not null until set otherwise. */
typedef struct SpiArgs
{
	const SpiStatement *stmt;
	Datum		values[SPI_STMT_MAX_ARGS];
	char		nulls[SPI_STMT_MAX_ARGS + 1];
	uint32		set;			/* bit n-1: $n given */
} SpiArgs;

extern void spi_args_init(SpiArgs *args, const SpiStatement *stmt);
extern void spi_arg(SpiArgs *args, int n, Datum value);
extern void spi_arg_null(SpiArgs *args, int n);

/* Runs the statement (args NULL when it takes none); SPI's result code. */
extern int	spi_run(SpiStatement *stmt, SpiArgs *args);

/* Column n (1-based, as the SELECT list numbers it) of result row r. */
extern Datum spi_result(uint64 r, int n, bool *isnull);
extern Datum spi_result_notnull(uint64 r, int n);

#endif							/* INNOTRUE_SPI_STMT_H */
