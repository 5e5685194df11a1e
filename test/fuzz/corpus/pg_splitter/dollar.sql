select $$a;b$$;
select $fn$ a $$ ; $ $fn$;
select $a$ $b$ ; $a$;
select $a$ $ba$a$;
select $_1$;$_1$;
select $é$;$é$;
create function f() returns int as $body$
begin
  return 1;
end;
$body$ language plpgsql;
select $$'$$;
prepare p as select $1::int; select $$;$$;
select 1a$$;
select $1a$ ;
select 1$$;$$;
select $a;
select a$$;
