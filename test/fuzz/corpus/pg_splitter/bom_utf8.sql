select 1; select été$$;
