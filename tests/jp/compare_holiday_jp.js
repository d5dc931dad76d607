// Compares `mamori calendar holidays --from 1970 --to 2050` (argv[2], one
// "YYYY-MM-DD<TAB>name" a line) with the data of the npm package
// @holiday-jp/holiday_jp, date by date and name by name. Exit 0 when they
// agree, 1 with every difference listed otherwise.
//
// The two name some days differently; each difference is mapped here, and
// nowhere else (docs/ANALYSIS.md, "The calendar"):
//   mamori (the law's names)       holiday_jp
//   振替休日                         "<X> 振替休日", X one of the 祝日 from
//                                   the Sunday it stands in for to the day
//                                   before it (holiday_jp names 2008-05-06
//                                   after こどもの日, the law's Sunday was
//                                   みどりの日 on 5/4: both are accepted,
//                                   nothing else is)
//   国民の休日                       休日
//   天皇の即位の日 (2019-05-01),     休日（祝日扱い）
//   即位礼正殿の儀 (2019-10-22)
//   昭和天皇の大喪の礼 (1989-02-24)  大喪の礼
//   皇太子徳仁親王の結婚の儀 (1993)   結婚の儀
//   体育の日 in 2019                 体育の日（スポーツの日）
'use strict';
const fs = require('fs');
const lib = require('@holiday-jp/holiday_jp/lib/holidays.js');
const theirs = lib.holidays || lib.default || lib;

const mine = new Map();
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (line === '') continue;
  const [date, name, extra] = line.split('\t');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !name || extra !== undefined) {
    console.log('malformed line from mamori: ' + JSON.stringify(line));
    process.exit(1);
  }
  mine.set(date, name);
}

const byDate = {
  '2019-05-01': '休日（祝日扱い）',
  '2019-10-22': '休日（祝日扱い）',
  '1989-02-24': '大喪の礼',
  '1993-06-09': '結婚の儀',
  '2019-10-14': '体育の日（スポーツの日）',
};

function dayBefore(date) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
function isSunday(date) { return new Date(date + 'T00:00:00Z').getUTCDay() === 0; }

// The names holiday_jp may give the day mamori names `name` on `date`.
function expected(date, name) {
  if (byDate[date]) return [byDate[date]];
  if (name === '国民の休日') return ['休日'];
  if (name === '振替休日') {
    // The chain of 祝日 back to the Sunday this day stands in for.
    const chain = [];
    let d = dayBefore(date);
    while (mine.has(d) && mine.get(d) !== '振替休日' && mine.get(d) !== '国民の休日') {
      chain.push(...expected(d, mine.get(d)).map((n) => n + ' 振替休日'));
      if (isSunday(d)) return chain;
      d = dayBefore(d);
    }
    return [];  // no Sunday 祝日 before it: never a valid 振替休日
  }
  return [name];
}

const problems = [];
let compared = 0;
for (const [date, name] of mine) {
  if (date < '1970-01-01' || date > '2050-12-31') continue;
  const want = expected(date, name);
  const got = theirs[date] ? theirs[date].name : undefined;
  if (got === undefined) problems.push(`${date}: mamori ${name}, holiday_jp none`);
  else if (!want.includes(got)) {
    problems.push(`${date}: mamori ${name} (expects ${want.join(' or ')}), holiday_jp ${got}`);
  }
  compared++;
}
for (const date of Object.keys(theirs)) {
  if (date >= '1970-01-01' && date <= '2050-12-31' && !mine.has(date)) {
    problems.push(`${date}: holiday_jp ${theirs[date].name}, mamori none`);
  }
}
if (problems.length) {
  console.log(problems.join('\n'));
  console.log(`${problems.length} differences`);
  process.exit(1);
}
console.log(`${compared} holidays 1970-2050 agree with @holiday-jp/holiday_jp`);
