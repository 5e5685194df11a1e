-- Single-quoted, E'', U&'', B'', X'', N'' strings and their escapes.
select 'a;b'; select 'it''s;';
select 'a\'; select 'back\slash;';
select 'one
line;
two';
select E'a\'; still a string;';
select e'\\'; select E'it''s;';
select E'\x41;\101';
select E'a'
'\';
select E'a' -- c
  -- d
 '\';
select E'a'

'b';
select E'a' 'b;';
select ae'a\'; select 1e'\'; select 1.e'\'; select 1_000e'\';
select U&'d\0061t;a'; select U&'\';
select B'1;0', X'F;F', N'n;'; select n'\';
select 'a'
'b;c';
select '--'; select '/*'; select '$$';
