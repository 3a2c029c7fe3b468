/*-------------------------------------------------------------------------
 *
 * spi_stmt.c
 *	  Running the SQL statements the C code keeps (spi_stmt.h).
 *
 * Statements are prepared on first use with the generic plan and kept for
 * the backend: they are short, their best plan does not depend on the
 * values, and planning each call (custom plans) would cost more than
 * running them.  Every argument must be given or marked NULL before the
 * statement runs; a missing one is a programming error caught here rather
 * than a NULL passed silently.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"

#include "spi_stmt.h"

/* spi_args_init: arguments for stmt, none given yet. */
void
spi_args_init(SpiArgs *args, const SpiStatement *stmt)
{
	Assert(stmt->nargs <= SPI_STMT_MAX_ARGS);
	args->stmt = stmt;
	memset(args->nulls, ' ', stmt->nargs);
	args->nulls[stmt->nargs] = '\0';
	args->set = 0;
}

/* check_position: $n exists in the statement. */
static void
check_position(const SpiArgs *args, int n)
{
	if (n < 1 || n > args->stmt->nargs)
		elog(ERROR, "innotrue: statement has no argument $%d: %s", n, args->stmt->sql);
}

/* spi_arg: $n is value. */
void
spi_arg(SpiArgs *args, int n, Datum value)
{
	check_position(args, n);
	args->values[n - 1] = value;
	args->nulls[n - 1] = ' ';
	args->set |= UINT32_C(1) << (n - 1);
}

/* spi_arg_null: $n is NULL. */
void
spi_arg_null(SpiArgs *args, int n)
{
	check_position(args, n);
	args->values[n - 1] = (Datum) 0;
	args->nulls[n - 1] = 'n';
	args->set |= UINT32_C(1) << (n - 1);
}

/*
 * spi_run
 *	  Executes the statement with its arguments; prepares and keeps the plan
 *	  on first use.  Returns SPI's result code (errors are raised).
 */
int
spi_run(SpiStatement *stmt, SpiArgs *args)
{
	int			rc;

	if (stmt->nargs > 0 &&
		(args == NULL || args->stmt != stmt || args->set != (UINT32_C(1) << stmt->nargs) - 1))
		elog(ERROR, "innotrue: statement run without all of its %d arguments: %s", stmt->nargs, stmt->sql);
	if (stmt->plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(stmt->sql, stmt->nargs, stmt->argtypes, CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "innotrue: SPI_prepare failed: %s: %s", SPI_result_code_string(SPI_result), stmt->sql);
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "innotrue: SPI_keepplan failed: %s", stmt->sql);
		stmt->plan = plan;
	}
	rc = SPI_execute_plan(stmt->plan, stmt->nargs > 0 ? args->values : NULL,
						  stmt->nargs > 0 ? args->nulls : NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "innotrue: SPI_execute_plan failed: %s: %s", SPI_result_code_string(rc), stmt->sql);
	return rc;
}

/* spi_result: column n of result row r of the last statement. */
Datum
spi_result(uint64 r, int n, bool *isnull)
{
	Assert(r < SPI_processed);
	return SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, n, isnull);
}

/* spi_result_notnull: like spi_result for a column the statement never returns NULL. */
Datum
spi_result_notnull(uint64 r, int n)
{
	bool		isnull;
	Datum		d = spi_result(r, n, &isnull);

	if (isnull)
		elog(ERROR, "innotrue: unexpected NULL in column %d of a statement's result", n);
	return d;
}
