-- Birthday rules look customers up by month and day ("MM-DD" of the birthday) every day.
CREATE INDEX customers_birthday_md ON customers ((substr(birthday, 6, 5)));
