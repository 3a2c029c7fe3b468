/*-------------------------------------------------------------------------
 *
 * scoring.h
 *	  One assessment definition (system B) in memory, as scoring.c scores
 *	  answers against it and scoring_definition.c reads it from the
 *	  definition tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef INNOTRUE_SCORING_H
#define INNOTRUE_SCORING_H

#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/uuid.h"

typedef struct ScoringOption
{
	pg_uuid_t	id;
	const char *key;
	int			keylen;
	int			question;		/* index into ScoringDefinition.questions */
	bool		chosen;
} ScoringOption;

typedef struct ScoringQuestion
{
	pg_uuid_t	id;
	const char *key;
	int			keylen;
	bool		required;
	bool		multiple;
	int			order_index;
	bool		answered;
	int			noptions;
	int		   *options;		/* indexes into ScoringDefinition.options */
} ScoringQuestion;

typedef struct ScoringDimension
{
	pg_uuid_t	id;
	const char *key;
	int			order_index;
	int64		total;
} ScoringDimension;

typedef struct ScoringInterpretation
{
	const char *key;
	const char *title;
	const char *body;
	int32		priority;
} ScoringInterpretation;

typedef struct ScoringDefinition
{
	pg_uuid_t	id;
	char	   *slug;
	bool		requires_email;
	int			nquestions;
	ScoringQuestion *questions; /* sorted by key bytes */
	int			noptions;
	ScoringOption *options;
	int			ndimensions;
	ScoringDimension *dimensions;	/* sorted by id */
} ScoringDefinition;

/*
 * Reads the definition named by name (a canonical uuid is tried as its id
 * first, then name as its slug) with its questions, options and
 * dimensions; an unknown or inactive definition is an error.
 */
extern void scoring_load_definition(const char *name, ScoringDefinition *def);

/*
 * Calls cell(def, dimension_id, score) for each cell of the confidential
 * matrix in the rows of the chosen options.
 */
typedef void (*ScoringCellFn) (ScoringDefinition *def, const pg_uuid_t *dimension_id, int32 score);
extern void scoring_read_chosen_cells(ScoringDefinition *def, ScoringCellFn cell);

/*
 * Calls match(def, conditions) for each interpretation of the definition
 * and returns those it accepted (their count in *count), in table order.
 */
typedef bool (*ScoringConditionsFn) (ScoringDefinition *def, Jsonb *conditions);
extern ScoringInterpretation *scoring_read_interpretations(ScoringDefinition *def,
														   ScoringConditionsFn match, int *count);

/* Lookups in a loaded definition. */
extern int	scoring_bytes_cmp(const char *a, int alen, const char *b, int blen);
extern int	scoring_find_question(ScoringDefinition *def, const char *key, int keylen);
extern ScoringDimension *scoring_find_dimension_by_id(ScoringDefinition *def, const pg_uuid_t *id);

#endif							/* INNOTRUE_SCORING_H */
