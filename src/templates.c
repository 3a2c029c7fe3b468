/*-------------------------------------------------------------------------
 *
 * templates.c
 *	  innotrue.render_template(): Mustache-style rendering of the e-mail
 *	  templates (email_templates.subject, body_html, body_text) against a
 *	  JSON document of variables.
 *
 * Supported syntax:
 *	  {{name}}, {{a.b.c}}     variable or dotted path, HTML-escaped
 *	  {{{name}}}, {{&name}}   variable inserted unescaped
 *	  {{#x}}...{{/x}}         section: skipped when x is missing, null, false,
 *							  "", [] or {}; repeated per element of an array
 *							  (the element becomes the context, {{.}} is the
 *							  element itself); rendered once with x as the
 *							  context otherwise
 *	  {{^x}}...{{/x}}         inverted section: rendered only when x is falsy
 *	  {{! comment }}          ignored (ends at the first "}}")
 *
 * With html = false (subjects and plain-text bodies) nothing is escaped.
 *
 * The template is first parsed into a flat list of nodes (so a malformed
 * template is refused before anything is rendered, with the position of the
 * offending tag), then the list is rendered against a stack of contexts.
 * Rendering is bounded in output size and in work, because a section over
 * an array nested in itself multiplies: a hostile template must end in a
 * clean error, never in a crash or an endless loop.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "innotrue.h"

PG_FUNCTION_INFO_V1(innotrue_render_template);

/* Limits that turn a runaway template into an error (SQLSTATE 54000). */
#define TPL_MAX_OUTPUT		(16 * 1024 * 1024)	/* bytes of rendered text */
#define TPL_MAX_STEPS		(10 * 1000 * 1000)	/* nodes visited while rendering */
#define TPL_MAX_NAME		256 /* bytes of a tag name */

typedef enum TplNodeKind
{
	TPL_TEXT,					/* literal text */
	TPL_VAR,					/* {{name}}: escaped */
	TPL_RAW,					/* {{{name}}} or {{&name}}: unescaped */
	TPL_SECTION,				/* {{#name}} */
	TPL_INVERTED,				/* {{^name}} */
	TPL_END						/* {{/name}} */
} TplNodeKind;

typedef struct TplNode
{
	TplNodeKind kind;
	const char *str;			/* text, or the tag name */
	int			len;
	int			offset;			/* byte offset of the node in the template */
	int			end;			/* sections: index of the matching TPL_END */
} TplNode;

typedef struct TplParser
{
	const char *src;			/* template text (not NUL-terminated) */
	int			srclen;
	TplNode    *nodes;
	int			nnodes;
	int			maxnodes;
} TplParser;

/* Rendering state: the context stack and the limits. */
typedef struct TplRender
{
	const char *src;
	int			srclen;
	TplNode    *nodes;
	bool		strict;
	bool		html;			/* escape {{name}} for HTML */
	JsonbValue *stack;			/* contexts, innermost last */
	int			depth;
	int			maxdepth;
	long		steps;
	StringInfoData out;
} TplRender;

/*
 * tpl_position_detail
 *	  Formats where a byte offset of the template is: line, column (in
 *	  characters) and byte offset, for the errdetail of template errors.
 */
static char *
tpl_position_detail(const char *src, int offset)
{
	int			line = 1;
	int			line_start = 0;
	int			i;

	for (i = 0; i < offset; i++)
	{
		if (src[i] == '\n')
		{
			line++;
			line_start = i + 1;
		}
	}
	return psprintf("At line %d, column %d (character %d, byte %d).",
					line,
					pg_mbstrlen_with_len(src + line_start, offset - line_start) + 1,
					pg_mbstrlen_with_len(src, offset) + 1,
					offset + 1);
}

/*
 * tpl_syntax_error
 *	  Raises the error of a malformed template, naming what is wrong and
 *	  where (SQLSTATE 42601).
 */
static void
tpl_syntax_error(TplParser *p, int offset, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("invalid template: %s", msg),
			 errdetail_internal("%s", tpl_position_detail(p->src, offset))));
}

/*
 * tpl_add_node
 *	  Appends a node to the parser's list, growing it as needed; returns its
 *	  index.
 */
static int
tpl_add_node(TplParser *p, TplNodeKind kind, const char *str, int len, int offset)
{
	TplNode    *n;

	if (p->nnodes == p->maxnodes)
	{
		p->maxnodes *= 2;
		p->nodes = repalloc(p->nodes, sizeof(TplNode) * p->maxnodes);
	}
	n = &p->nodes[p->nnodes];
	n->kind = kind;
	n->str = str;
	n->len = len;
	n->offset = offset;
	n->end = -1;
	return p->nnodes++;
}

/*
 * tpl_find
 *	  Byte offset of the first occurrence of needle in src[from, srclen), or
 *	  -1.  The template is not NUL-terminated, so strstr cannot be used.
 */
static int
tpl_find(const char *src, int srclen, int from, const char *needle)
{
	int			nlen = strlen(needle);
	int			i;

	for (i = from; i + nlen <= srclen; i++)
	{
		if (memcmp(src + i, needle, nlen) == 0)
			return i;
	}
	return -1;
}

/*
 * tpl_check_name
 *	  Validates a tag name: "." or dot-separated segments of letters, digits,
 *	  '_' and '-'.  A wrong name is refused at parse time rather than silently
 *	  rendering nothing.
 */
static void
tpl_check_name(TplParser *p, const char *name, int len, int offset)
{
	int			i;
	bool		segment_empty = true;

	if (len == 0)
		tpl_syntax_error(p, offset, "empty tag name");
	if (len > TPL_MAX_NAME)
		tpl_syntax_error(p, offset, "tag name too long");
	if (len == 1 && name[0] == '.')
		return;
	for (i = 0; i < len; i++)
	{
		char		c = name[i];

		if (c == '.')
		{
			if (segment_empty)
				tpl_syntax_error(p, offset, "invalid tag name (empty path segment)");
			segment_empty = true;
		}
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '-')
			segment_empty = false;
		else
			tpl_syntax_error(p, offset,
							 psprintf("invalid character in tag name \"%.*s\"", len, name));
	}
	if (segment_empty)
		tpl_syntax_error(p, offset, "invalid tag name (empty path segment)");
}

/*
 * tpl_parse_tag
 *	  Parses the tag starting at byte offset start ("{{"); adds its node (if
 *	  any) and maintains the stack of open sections.  Returns the offset just
 *	  past the tag.
 */
static int
tpl_parse_tag(TplParser *p, int start, int *open, int *nopen)
{
	bool		triple = (start + 2 < p->srclen && p->src[start + 2] == '{');
	int			cstart = start + (triple ? 3 : 2);
	int			cend = tpl_find(p->src, p->srclen, cstart, triple ? "}}}" : "}}");
	const char *c;
	int			clen;
	char		sigil = '\0';

	if (cend < 0)
		tpl_syntax_error(p, start, triple ? "unclosed tag (missing \"}}}\")" : "unclosed tag (missing \"}}\")");

	c = p->src + cstart;
	clen = cend - cstart;
	if (!triple && clen > 0 && c[0] == '!')
		return cend + 2;		/* comment */
	while (clen > 0 && isspace((unsigned char) c[0]))
		c++, clen--;
	while (clen > 0 && isspace((unsigned char) c[clen - 1]))
		clen--;
	if (!triple && clen > 0 && strchr("#^/&>=", c[0]) != NULL)
	{
		sigil = c[0];
		c++, clen--;
		while (clen > 0 && isspace((unsigned char) c[0]))
			c++, clen--;
	}
	if (sigil == '>' || sigil == '=')
		tpl_syntax_error(p, start, sigil == '>' ? "partials are not supported"
						 : "delimiter changes are not supported");
	tpl_check_name(p, c, clen, start);

	switch (sigil)
	{
		case '#':
		case '^':
			open[(*nopen)++] = tpl_add_node(p, sigil == '#' ? TPL_SECTION : TPL_INVERTED,
											c, clen, start);
			break;
		case '/':
			{
				TplNode    *sec;
				int			end;

				if (*nopen == 0)
					tpl_syntax_error(p, start,
									 psprintf("section end \"%.*s\" without a section start", clen, c));
				sec = &p->nodes[open[*nopen - 1]];
				if (sec->len != clen || memcmp(sec->str, c, clen) != 0)
					tpl_syntax_error(p, start,
									 psprintf("section end \"%.*s\" does not match the open section \"%.*s\"",
											  clen, c, sec->len, sec->str));
				/* tpl_add_node may move the list: index it again afterwards */
				end = tpl_add_node(p, TPL_END, c, clen, start);
				p->nodes[open[--(*nopen)]].end = end;
				break;
			}
		default:
			tpl_add_node(p, (triple || sigil == '&') ? TPL_RAW : TPL_VAR, c, clen, start);
			break;
	}
	return cend + (triple ? 3 : 2);
}

/*
 * tpl_parse
 *	  Turns the template into a flat node list in which every section start
 *	  knows the index of its end.  Raises a syntax error for an unclosed tag,
 *	  a mismatched or unopened section end, an unclosed section, an empty or
 *	  invalid tag name, or an unsupported tag.
 */
static TplNode *
tpl_parse(const char *src, int srclen, int *nnodes)
{
	TplParser	p;
	int		   *open;
	int			nopen = 0;
	int			pos = 0;

	p.src = src;
	p.srclen = srclen;
	p.maxnodes = 16;
	p.nnodes = 0;
	p.nodes = palloc(sizeof(TplNode) * p.maxnodes);
	/* at most one open section per 5 bytes ("{{#x}}" is 6) */
	open = palloc(sizeof(int) * (srclen / 5 + 1));

	while (pos < srclen)
	{
		int			tag = tpl_find(src, srclen, pos, "{{");

		CHECK_FOR_INTERRUPTS();
		if (tag < 0)
			tag = srclen;
		if (tag > pos)
			tpl_add_node(&p, TPL_TEXT, src + pos, tag - pos, pos);
		if (tag < srclen)
			pos = tpl_parse_tag(&p, tag, open, &nopen);
		else
			pos = srclen;
	}
	if (nopen > 0)
	{
		TplNode    *sec = &p.nodes[open[nopen - 1]];

		tpl_syntax_error(&p, sec->offset,
						 psprintf("unclosed section \"%.*s\"", sec->len, sec->str));
	}
	pfree(open);
	*nnodes = p.nnodes;
	return p.nodes;
}

/*
 * tpl_member
 *	  Looks one path segment up in a context value: a key of an object, or a
 *	  non-negative index of an array.  Returns false when it is not there.
 */
static bool
tpl_member(const JsonbValue *ctx, const char *seg, int seglen, JsonbValue *result)
{
	JsonbContainer *c;
	JsonbValue *found = NULL;

	if (ctx->type != jbvBinary)
		return false;
	c = ctx->val.binary.data;
	if (JsonContainerIsObject(c))
	{
		JsonbValue	key;

		key.type = jbvString;
		key.val.string.val = (char *) seg;
		key.val.string.len = seglen;
		found = findJsonbValueFromContainer(c, JB_FOBJECT, &key);
	}
	else if (JsonContainerIsArray(c) && seglen <= 9 && seg[0] >= '0' && seg[0] <= '9')
	{
		uint32		idx = 0;
		int			i;

		for (i = 0; i < seglen; i++)
		{
			if (seg[i] < '0' || seg[i] > '9')
				return false;
			idx = idx * 10 + (seg[i] - '0');
		}
		found = getIthJsonbValueFromContainer(c, idx);
	}
	if (found == NULL)
		return false;
	*result = *found;
	return true;
}

/*
 * tpl_lookup
 *	  Resolves a tag name against the context stack: "." is the innermost
 *	  context; otherwise the first segment is searched from the innermost
 *	  context outwards and the following segments descend from what it found.
 */
static bool
tpl_lookup(TplRender *r, const char *name, int len, JsonbValue *result)
{
	const char *dot;
	int			seglen;
	int			i;
	bool		found = false;

	if (len == 1 && name[0] == '.')
	{
		*result = r->stack[r->depth - 1];
		return true;
	}
	dot = memchr(name, '.', len);
	seglen = dot ? dot - name : len;
	for (i = r->depth - 1; i >= 0 && !found; i--)
		found = tpl_member(&r->stack[i], name, seglen, result);
	while (found && dot != NULL)
	{
		JsonbValue	cur = *result;

		name = dot + 1;
		len -= seglen + 1;
		dot = memchr(name, '.', len);
		seglen = dot ? dot - name : len;
		found = tpl_member(&cur, name, seglen, result);
	}
	return found;
}

/*
 * tpl_truthy
 *	  Whether a section shows: false for null, false, "", [] and {}.
 *	  Numbers (0 included) are true, so "Score: 0" still renders.
 */
static bool
tpl_truthy(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return false;
		case jbvBool:
			return v->val.boolean;
		case jbvString:
			return v->val.string.len > 0;
		case jbvBinary:
			return JsonContainerSize(v->val.binary.data) > 0;
		default:
			return true;
	}
}

/*
 * tpl_append
 *	  Appends text to the output, HTML-escaping it when asked, and enforces
 *	  the output limit.
 */
static void
tpl_append(TplRender *r, const char *s, int len, bool escape)
{
	if (!escape)
		appendBinaryStringInfo(&r->out, s, len);
	else
	{
		int			i;

		for (i = 0; i < len; i++)
		{
			switch (s[i])
			{
				case '&':
					appendStringInfoString(&r->out, "&amp;");
					break;
				case '<':
					appendStringInfoString(&r->out, "&lt;");
					break;
				case '>':
					appendStringInfoString(&r->out, "&gt;");
					break;
				case '"':
					appendStringInfoString(&r->out, "&quot;");
					break;
				case '\'':
					appendStringInfoString(&r->out, "&#39;");
					break;
				default:
					appendStringInfoChar(&r->out, s[i]);
					break;
			}
		}
	}
	if (r->out.len > TPL_MAX_OUTPUT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rendered template exceeds %d bytes", TPL_MAX_OUTPUT),
				 errhint("A section over an array probably repeats too often.")));
}

/*
 * tpl_append_value
 *	  Appends a variable's value: strings as they are, numbers and booleans
 *	  as their JSON text, null as nothing, objects and arrays as JSON.
 */
static void
tpl_append_value(TplRender *r, const JsonbValue *v, bool escape)
{
	char	   *s;

	switch (v->type)
	{
		case jbvNull:
			return;
		case jbvString:
			tpl_append(r, v->val.string.val, v->val.string.len, escape);
			return;
		case jbvBool:
			s = v->val.boolean ? "true" : "false";
			break;
		case jbvNumeric:
			s = DatumGetCString(DirectFunctionCall1(numeric_out,
													NumericGetDatum(v->val.numeric)));
			break;
		case jbvBinary:
			s = JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
			return;
	}
	tpl_append(r, s, strlen(s), escape);
}

/*
 * tpl_push
 *	  Pushes a context for the body of a section.
 */
static void
tpl_push(TplRender *r, const JsonbValue *v)
{
	if (r->depth == r->maxdepth)
	{
		r->maxdepth *= 2;
		r->stack = repalloc(r->stack, sizeof(JsonbValue) * r->maxdepth);
	}
	r->stack[r->depth++] = *v;
}

static void tpl_render_range(TplRender *r, int from, int to);

/*
 * tpl_render_section
 *	  Renders the body of the section node at index i: per element of an
 *	  array, once with the value as context otherwise; or, inverted, once
 *	  when the value is falsy.  A missing value is falsy (also in strict
 *	  mode: sections are the templates' conditionals).
 */
static void
tpl_render_section(TplRender *r, int i)
{
	TplNode    *n = &r->nodes[i];
	JsonbValue	v;
	bool		found = tpl_lookup(r, n->str, n->len, &v);
	bool		truthy = found && tpl_truthy(&v);

	if (n->kind == TPL_INVERTED)
	{
		if (!truthy)
			tpl_render_range(r, i + 1, n->end);
		return;
	}
	if (!truthy)
		return;
	if (v.type == jbvBinary && JsonContainerIsArray(v.val.binary.data))
	{
		JsonbContainer *arr = v.val.binary.data;
		uint32		count = JsonContainerSize(arr);
		uint32		k;

		for (k = 0; k < count; k++)
		{
			JsonbValue *elem = getIthJsonbValueFromContainer(arr, k);

			tpl_push(r, elem);
			tpl_render_range(r, i + 1, n->end);
			r->depth--;
			pfree(elem);
		}
	}
	else
	{
		tpl_push(r, &v);
		tpl_render_range(r, i + 1, n->end);
		r->depth--;
	}
}

/*
 * tpl_render_range
 *	  Renders the nodes [from, to), recursing into sections.  Counts the work
 *	  done so a template whose sections multiply cannot run unbounded.
 */
static void
tpl_render_range(TplRender *r, int from, int to)
{
	int			i = from;

	check_stack_depth();
	while (i < to)
	{
		TplNode    *n = &r->nodes[i];
		JsonbValue	v;

		if (++r->steps > TPL_MAX_STEPS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("rendering the template takes more than %d steps", TPL_MAX_STEPS),
					 errhint("A section over an array probably repeats too often.")));
		if ((r->steps & 1023) == 0)
			CHECK_FOR_INTERRUPTS();

		switch (n->kind)
		{
			case TPL_TEXT:
				tpl_append(r, n->str, n->len, false);
				break;
			case TPL_VAR:
			case TPL_RAW:
				if (tpl_lookup(r, n->str, n->len, &v))
					tpl_append_value(r, &v, r->html && n->kind == TPL_VAR);
				else if (r->strict)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("template variable \"%.*s\" is missing", n->len, n->str),
							 errdetail_internal("%s", tpl_position_detail(r->src, n->offset))));
				break;
			case TPL_SECTION:
			case TPL_INVERTED:
				tpl_render_section(r, i);
				i = n->end;		/* continue after the section end */
				break;
			case TPL_END:
				break;
		}
		i++;
	}
}

/*
 * innotrue_render_template
 *	  SQL: innotrue.render_template(template text, vars jsonb, strict boolean,
 *	  html boolean) returns the rendered text; html = false renders a plain-text
 *	  part (subject, text body) without escaping.  Malformed template: SQLSTATE 42601; missing
 *	  variable in strict mode: 22023; runaway output or work: 54000.
 */
Datum
innotrue_render_template(PG_FUNCTION_ARGS)
{
	text	   *tpl = PG_GETARG_TEXT_PP(0);
	Jsonb	   *vars = PG_GETARG_JSONB_P(1);
	TplRender	r;
	JsonbValue	root;
	int			nnodes;

	r.src = VARDATA_ANY(tpl);
	r.srclen = VARSIZE_ANY_EXHDR(tpl);
	r.strict = PG_GETARG_BOOL(2);
	r.html = PG_GETARG_BOOL(3);
	r.nodes = tpl_parse(r.src, r.srclen, &nnodes);

	if (JB_ROOT_IS_SCALAR(vars))
		JsonbExtractScalar(&vars->root, &root);
	else
	{
		root.type = jbvBinary;
		root.val.binary.data = &vars->root;
		root.val.binary.len = VARSIZE(vars) - VARHDRSZ;
	}
	r.maxdepth = 8;
	r.stack = palloc(sizeof(JsonbValue) * r.maxdepth);
	r.depth = 0;
	r.steps = 0;
	tpl_push(&r, &root);
	initStringInfo(&r.out);

	tpl_render_range(&r, 0, nnodes);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(r.out.data, r.out.len));
}
