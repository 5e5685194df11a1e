select 1;
\set ON_ERROR_STOP on
select 1 \g
select 2;
/* \x */ -- \y
select 3;
