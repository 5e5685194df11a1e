create function f1() returns int language sql begin atomic select 1; select 2; end;
select 3;
CREATE OR REPLACE PROCEDURE p() LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO t VALUES (1);
END;
create function f2(x int) returns int language sql begin atomic select case when x > 0 then 1 else 0 end; end;
begin; select 1; end;
create or replace view v as select 1; begin; commit;
create function f3(begin int) returns int language sql return 1;
create function f4() returns int as 'begin' language sql;
create table "begin" (a int);
create function f5() returns int language sql
begin atomic
  select case when true then (select 1; ) else 2 end;
end;
select 'after';
