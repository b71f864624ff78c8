"""The Blakod grammar for lark's LALR(1) parser.

Its structure follows the original compiler's yacc grammar (blakcomp.y): a class header,
the optional sections in their fixed order, and `end`. Two differences:

- lark has no yacc-style `%left` declarations, so binary operators are parsed as a flat
  chain and grouped afterwards by the original's precedence table (lowest first: `or`,
  `and`, `|`, `&`, comparisons `= <> < > <= >=`, `+ -`, `* / mod`; all left-associative).
  The prefix operators `- not ~` bind tighter than any binary operator, as in the original.
- Besides whole class files there are two more start rules: `constants_file` for `.khd`
  include files (constant definitions) and `statements_file` for the statement fragments
  (`.ktm`, `.kmn`, `.kxt`) that some rooms include inside a message handler.

Loops come in both dialects of the original compiler: the older `for x in list { }` (the one
the game's sources use) and the later `foreach x in list { }`, C-style `for (i = 0; i < n;
i++) { }` and `++`/`--`.

Tokens come from `lexer.tokenize`; the names below are the token types it yields. Names
starting with "_" are dropped from the tree.
"""

GRAMMAR = r"""
%declare _EOL IDENTIFIER FILENAME STRING NUMBER REL_OP INC_DEC
%declare AND OR NOT MOD IF FOR FOREACH WHILE RETURN PROPAGATE BREAK CONTINUE INCLUDE
%declare _CLASSVARS _CONSTANTS _ELSE _END _IN _IS _LOCAL _MESSAGES _PROPERTIES _RESOURCES
%declare MINUS PLUS STAR SLASH AMP EQUAL DOLLAR VBAR TILDE LSQB
%declare _COMMA _COLON _HASH _AT _LPAR _RPAR _LBRACE _RBRACE _RSQB _SEMI

kod_file: class_def*
constants_file: constant_item*
statements_file: statement*

// --- a class ---------------------------------------------------------------------------

class_def: class_header constants_section? resources_section? classvars_section? properties_section? messages_section? _END _EOL?
class_header: IDENTIFIER (_IS IDENTIFIER)? _EOL

constants_section: _CONSTANTS _COLON _EOL constant_item*
?constant_item: IDENTIFIER EQUAL expression _EOL -> constant_def
              | include_line
include_line: INCLUDE fname _EOL
?fname: FILENAME | IDENTIFIER

resources_section: _RESOURCES _COLON _EOL resource_item*
?resource_item: IDENTIFIER EQUAL resource_value _EOL -> resource_def
              | IDENTIFIER EQUAL IDENTIFIER resource_value _EOL -> language_resource_def
              | include_line
?resource_value: STRING | FILENAME | IDENTIFIER

classvars_section: _CLASSVARS _COLON _EOL variable_def*
properties_section: _PROPERTIES _COLON _EOL variable_def*
variable_def: IDENTIFIER (EQUAL expression)? _EOL

messages_section: _MESSAGES _COLON message_handler*
message_handler: IDENTIFIER _LPAR parameters _RPAR doc_string _LBRACE locals statements _RBRACE
parameters: (parameter (_COMMA parameter)*)?
parameter: IDENTIFIER EQUAL expression
doc_string: STRING?
locals: (_LOCAL IDENTIFIER (_COMMA IDENTIFIER)* _SEMI)?
statements: statement*

// --- statements (inside message handlers newlines are whitespace) ------------------------

?statement: call _SEMI -> call_statement
          | IDENTIFIER EQUAL expression _SEMI -> assign
          | if_statement
          | increment _SEMI
          | FOR IDENTIFIER _IN expression block -> for_each
          | FOREACH IDENTIFIER _IN expression block -> for_each
          | FOR _LPAR for_assignments _SEMI expression? _SEMI for_assignments _RPAR block -> for_loop
          | WHILE expression block -> while_loop
          | RETURN expression? _SEMI -> return_statement
          | PROPAGATE _SEMI -> propagate
          | BREAK _SEMI -> break_statement
          | CONTINUE _SEMI -> continue_statement
          | INCLUDE fname _SEMI -> include_statement

if_statement: IF expression block (_ELSE (block | if_statement))?
for_assignments: (for_assignment (_COMMA for_assignment)*)?
?for_assignment: IDENTIFIER EQUAL expression -> assign | increment
increment: IDENTIFIER INC_DEC | INC_DEC IDENTIFIER
block: _LBRACE statement* _RBRACE

// --- expressions ------------------------------------------------------------------------
// Binary operators are parsed as a flat chain; the tree builder groups them by the
// original's precedence table (parser.BINARY_PRECEDENCE). This keeps each operand to a few
// LALR reductions instead of one per precedence level, which halves the parse time.

?expression: operand
           | operand ((OR | AND | VBAR | AMP | REL_OP | EQUAL | PLUS | MINUS | STAR | SLASH | MOD) operand)+ -> operator_chain
?operand: primary | (MINUS | NOT | TILDE) operand -> unary | increment -> increment_expression

?primary: NUMBER -> number
        | DOLLAR -> nil
        | STRING -> string
        | AMP IDENTIFIER -> class_literal
        | _AT IDENTIFIER -> message_literal
        | IDENTIFIER -> name
        | call
        | _LPAR expression _RPAR

call: IDENTIFIER _LPAR (argument (_COMMA argument)*)? _RPAR -> function_call
    | LSQB (expression (_COMMA expression)*)? _RSQB -> list_literal

?argument: expression
         | _HASH IDENTIFIER EQUAL expression -> named_argument
"""

START_RULES = ["kod_file", "constants_file", "statements_file"]
