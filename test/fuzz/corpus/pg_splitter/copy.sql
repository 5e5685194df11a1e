create table t2 (a int, b text);
COPY t2 (a, b) FROM stdin;
1	x;y
2	'unbalanced
\.
select count(*) from t2;
copy t2 to stdout;
copy (select 1) TO STDOUT;
select 'copy' from t2;
