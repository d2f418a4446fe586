#!/usr/bin/env python3
"""Build the embedded offline sentiment sample used by Fine-tune Studio.

Writes (deterministically, standard library only):

    data/reviews/train.csv
    data/reviews/test.csv
    data/reviews/README.md   (data card, numbers filled in from the data)

Every text is synthetic: either one of the hand-written reviews below (used
verbatim) or a composition of hand-written sentence material (subjects,
opinion clauses, verdicts, templates, connectors). No real user data.

Run from anywhere:

    python scripts/make_sample.py          # regenerate files and print stats
    python scripts/make_sample.py --check  # only verify the committed files match
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import statistics
import sys
from pathlib import Path

SEED = 20240611
ROWS_PER_GROUP = 140          # per (domain, label) -> 5 * 2 * 140 = 1,400 rows
TEST_SHARE = 0.20
HARD_SHARE = 0.28             # target share of hard cases per (domain, label)
# Hand-written hard cases are over-sampled into test so it keeps tricky rows.
TEST_SHARE_HAND_HARD = 0.40
TEST_SHARE_COMPOSED_HARD = 0.20

LABELS = ("negative", "positive")
DOMAINS = ("films", "restaurants", "products", "apps", "hotels")

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "reviews"

# ---------------------------------------------------------------------------
# Hand-written complete reviews, used verbatim.
# (domain, label, hard, text). "hard" marks negation, mixed feelings decided by
# the final verdict, sarcasm, faint praise, although/but contrast or rhetorical
# questions.
# ---------------------------------------------------------------------------
P, N = "positive", "negative"
HAND_WRITTEN: list[tuple[str, str, bool, str]] = [
    # ----------------------------------------------------------------- films
    ("films", P, True, "Not bad at all, honestly."),
    ("films", P, True, "The first half hour is slow and the sound mix is muddy, but by the end I was completely hooked. Glad I stuck with it."),
    ("films", P, True, "Although the trailer made it look like a generic thriller, Salt and Silence turned out to be one of the most thoughtful films I've seen in years."),
    ("films", P, True, "When did a cartoon last make a whole cinema cry? Little Comets did it twice."),
    ("films", P, True, "I didn't expect to sit through a three-hour documentary about bridges. I was wrong. I could not look away."),
    ("films", P, False, "Gorgeous, funny and surprisingly tender."),
    ("films", P, False, "I went to Nine Winters with low expectations because war films usually leave me cold. This one is different. It spends most of its time on the small things: a letter that never gets sent, a soldier teaching another to darn a sock, a village waiting for news. The battle scenes are short and never glorified. The lead actor barely raises his voice, and somehow that makes the final scene hit even harder. I sat through the credits without moving. It is the best film I've seen this year."),
    ("films", P, True, "Critics hated it, the plot has holes you could drive a bus through, and the villain's accent wanders across three continents. I had an absolute blast anyway. Sometimes you just want dinosaurs fighting robots."),
    ("films", P, True, "It is not a perfect film, and it never pretends to be. But it is honest and kind, and I left feeling lighter."),
    ("films", P, False, "My kids have watched The Tin Orchestra four times this week and I have happily joined them every time."),
    ("films", P, True, "Nothing groundbreaking, nothing pretentious, no wasted scenes. Just a well-told story, and I'll take that every time."),
    ("films", P, True, "I hate that a film about a talking teapot made me cry. Ten out of ten."),
    ("films", P, False, "Sharp script, terrific cast."),
    ("films", P, True, "I'm not usually a fan of musicals, but The Understudy won me over within ten minutes."),
    ("films", P, False, "The Lantern Keeper looks like a storybook come to life, and the ending made me want to call my dad."),
    ("films", P, True, "Too long? Yes. Too sentimental in places? Probably. Did I cry like a baby and then buy the soundtrack? Also yes. Go and see it."),
    ("films", P, False, "A quiet little film about two sisters running a bakery. Nothing explodes, nobody saves the world, and I loved every minute of it."),
    ("films", P, True, "Why is nobody talking about Fathom? The underwater scenes alone are worth the ticket."),
    ("films", P, False, "Redline Protocol does exactly what a heist film should. The plan is clever, the crew bicker like real friends, and the final twist is set up so carefully that I wanted to rewatch it immediately to catch the clues."),
    ("films", P, True, "I can't remember the last time a comedy made me laugh this hard."),
    ("films", N, True, "Oh great, another reboot nobody asked for. Just what cinema needed."),
    ("films", N, True, "The costumes were lovely. That's it. That's the review."),
    ("films", N, True, "I wouldn't say it was good. I wouldn't even say it was a film, really. More like two hours of trailers stitched together."),
    ("films", N, True, "The cast is stacked, the score is gorgeous, and the first twenty minutes are brilliant. Then the script runs out of ideas and the remaining hour and a half is a slog. I left disappointed."),
    ("films", N, True, "Did anyone on set actually read the ending before they filmed it?"),
    ("films", N, False, "Boring, loud and far too long."),
    ("films", N, True, "Although the effects are impressive, Kingdom of Rust has no story worth telling and no characters worth caring about."),
    ("films", N, False, "I really wanted to like Copper Sky. The director's last film is one of my favourites, and the posters promised something special. Instead we got two and a half hours of characters staring out of windows while a piano plays the same four notes. Every conversation is a speech, every speech is about grief, and none of it feels like real people talking. By the time the plot finally started to move, half the audience had left. I stayed out of stubbornness and regretted it."),
    ("films", N, True, "The popcorn was fresh and the seats reclined. Ninety minutes of my evening I won't get back."),
    ("films", N, True, "Truly groundbreaking: a detective who solves the case because the villain explains everything in the last five minutes."),
    ("films", N, False, "Lazy writing and wooden acting."),
    ("films", N, True, "Not funny, not scary, not even bad enough to laugh at."),
    ("films", N, True, "Beautiful to look at, I'll give it that. But a film needs more than pretty sunsets, and this one has nothing else."),
    ("films", N, True, "We turned it off after forty minutes and played board games instead, which was the best decision of the night."),
    ("films", N, True, "Who decided a comedy needed a twenty-minute courtroom scene with no jokes in it?"),
    ("films", N, False, "The Ninth Passenger is a mess. The plot contradicts itself every ten minutes and the ending is a cheap trick."),
    ("films", N, True, "It was fine. Just fine. I had forgotten most of it by the time we reached the car."),
    ("films", N, False, "Painfully predictable from the opening scene."),
    ("films", N, True, "I've seen worse, but I honestly can't think when."),
    ("films", N, True, "Dust over Calder wastes a great cast on a script that seems to have been written over a weekend."),
    # ----------------------------------------------------------- restaurants
    ("restaurants", P, True, "The room was cramped and we waited twenty minutes for a table, but the lamb tagine was so good that I'd happily wait an hour next time."),
    ("restaurants", P, True, "Not a single dish missed. Not one."),
    ("restaurants", P, False, "Best pho I've had outside Hanoi."),
    ("restaurants", P, True, "Where else can you get handmade pasta this good for twelve pounds?"),
    ("restaurants", P, True, "Although it looks like a tired old pub from the outside, the kitchen at The Old Mill is doing some of the best cooking in the county."),
    ("restaurants", P, False, "We booked Saffron House for my dad's seventieth and it could not have gone better. The staff had put a little card on the table with his name on it, the kitchen made him a mild version of the curry he always orders because he can't handle much heat any more, and the waiter brought out a small cake with a candle without us asking. The food was excellent from start to finish, especially the black dal and the garlic naan. Dad hasn't stopped talking about it."),
    ("restaurants", P, True, "I was ready to hate it because of the hype. I didn't. The fried chicken is worth every minute of the queue."),
    ("restaurants", P, False, "Friendly staff, generous portions, fair prices."),
    ("restaurants", P, True, "Service is slow, the chairs are uncomfortable and you will leave smelling of smoke. Still the best brisket in the city, and it isn't close."),
    ("restaurants", P, False, "Lovely little café with excellent coffee."),
    ("restaurants", P, True, "No tablecloths, no music, no menu in English, and the best dumplings I have ever eaten."),
    ("restaurants", P, False, "The miso ramen at Nakamura is rich and deeply savoury, the noodles have real bite, and the egg is cooked exactly right."),
    ("restaurants", P, True, "I can't think of a single thing I'd change about our dinner."),
    ("restaurants", P, False, "Came for the tacos, stayed for the margaritas, left very happy."),
    ("restaurants", P, True, "Is there a better way to spend a Sunday afternoon than the roast at The Copper Pot? I don't think so."),
    ("restaurants", P, False, "The vegetarian tasting menu was inventive and filling, and the staff explained every course without being stuffy."),
    ("restaurants", P, True, "I'm not usually a fan of fusion food, although the kimchi carbonara at Little Seoul completely won me over."),
    ("restaurants", P, False, "Perfect neighbourhood spot."),
    ("restaurants", P, True, "Our first visit was a disaster, with a burnt pizza and a forgotten order. The owner called to apologise, invited us back, and the second dinner was flawless. That's how you run a restaurant."),
    ("restaurants", P, False, "Every dish tasted like someone in the kitchen really cared about it. We will be back next month."),
    ("restaurants", N, True, "Nothing says fine dining like waiting an hour for a lukewarm burger."),
    ("restaurants", N, True, "Honestly, the bread basket was the highlight of the evening."),
    ("restaurants", N, True, "The food wasn't terrible, but it wasn't good either, and at these prices it needs to be a lot better than \"not terrible\"."),
    ("restaurants", N, True, "Great location, beautiful terrace, lovely cocktails. Shame about the food, which was bland, overpriced and cold by the time it reached us. We won't be back."),
    ("restaurants", N, True, "Is it too much to expect the soup to be hot?"),
    ("restaurants", N, False, "Rude staff and greasy food."),
    ("restaurants", N, True, "Although the menu reads beautifully, almost everything we ordered tasted of nothing but salt."),
    ("restaurants", N, False, "We had high hopes for Olive & Ash after all the glowing articles, but the evening was a letdown from the moment we walked in. Our booking had been lost, so we were squeezed onto a tiny table by the kitchen door. The starters took forty minutes to arrive, the octopus was rubbery, and the lamb we were told was the house speciality was grey and dry. When we mentioned it, the waiter shrugged and said \"that's how the chef makes it\". We paid, skipped dessert and got chips on the way home."),
    ("restaurants", N, True, "Loved paying eight pounds for a coffee that tasted like hot puddle water. Truly the highlight of my week."),
    ("restaurants", N, False, "Overpriced, slow and bland."),
    ("restaurants", N, True, "The staff were polite and the toilets were clean. I'm struggling to think of anything else to say in its favour."),
    ("restaurants", N, True, "I wouldn't say the curry was bad, exactly. I just wouldn't pay for it again."),
    ("restaurants", N, False, "Our pizza arrived burnt on the bottom and raw in the middle."),
    ("restaurants", N, True, "The desserts are genuinely excellent. Unfortunately you have to get through a very mediocre main course and an hour of waiting to reach them, and it isn't worth it."),
    ("restaurants", N, True, "Who charges for tap water and then forgets to bring it?"),
    ("restaurants", N, False, "Found a hair in my risotto and the manager just shrugged."),
    ("restaurants", N, True, "The chef clearly knows what he's doing, although you would never guess it from the plates that actually reach the table."),
    ("restaurants", N, False, "Never again. Food poisoning the next day."),
    ("restaurants", N, True, "Not the worst meal I've had this year, but definitely not one I'd repeat."),
    ("restaurants", N, False, "Tiny portions, huge bill, and a waiter who kept rolling his eyes at us."),
    # -------------------------------------------------------------- products
    ("products", P, True, "Not bad at all for the price."),
    ("products", P, True, "The instructions are useless and one screw was missing, but once assembled this desk is rock solid and I use it every day."),
    ("products", P, False, "Does exactly what it says."),
    ("products", P, True, "Why didn't I buy an air fryer years ago?"),
    ("products", P, True, "Although it's heavier than I expected, the cast iron pan heats evenly and gives the best sear I've ever managed at home."),
    ("products", P, False, "I run about forty kilometres a week and go through trainers quickly, so I don't get attached to them. These are the exception. The cushioning is soft without feeling mushy, the heel doesn't slip even on steep hills, and after four months the sole barely shows any wear. They were a bit stiff for the first couple of runs, which is normal. I've already ordered a second pair in a different colour so I have a backup when these finally give out."),
    ("products", P, True, "I have no complaints whatsoever, which is rare for me."),
    ("products", P, False, "Quiet, powerful and easy to clean."),
    ("products", P, True, "It's ugly. It's loud when it starts up. It also makes the best coffee I've ever had at home, so it stays."),
    ("products", P, False, "The headphones are comfortable enough to wear all day and the noise cancelling makes my commute bearable."),
    ("products", P, True, "I never expected a thirty-pound keyboard to feel this nice to type on."),
    ("products", P, False, "Sturdy, light and fits everything I need for a weekend away."),
    ("products", P, True, "How did I ever manage without a robot vacuum? The floors have never been this clean."),
    ("products", P, False, "Great little kettle, boils fast and switches off reliably."),
    ("products", P, True, "I was sceptical because the reviews were mixed, but after two months of daily use I can say the grinder is excellent."),
    ("products", P, False, "The desk lamp has three brightness levels, a warm light option for evenings, and a clamp that actually holds. Exactly what I needed."),
    ("products", P, True, "Delivery took three weeks and the box was crushed, but the chair inside was perfect and my back pain has eased."),
    ("products", P, False, "Works great, solid value."),
    ("products", P, True, "My only complaint is that now my whole family wants one."),
    ("products", P, False, "The baby monitor has a clear picture even in the dark, and the battery lasts the whole night."),
    ("products", N, True, "Oh wonderful, a \"waterproof\" jacket that soaks through in light drizzle. Exactly what I wanted for a hiking trip."),
    ("products", N, True, "The box it came in was very sturdy. Shame about what was inside."),
    ("products", N, True, "I wouldn't say it's worth the money. I wouldn't say it's worth half the money."),
    ("products", N, True, "It looks gorgeous on the counter and feels premium in the hand. It also stopped heating after nine days, and the company is ignoring my emails."),
    ("products", N, True, "Did anyone actually try using this blender before putting it on sale?"),
    ("products", N, False, "Broke within a week."),
    ("products", N, True, "Although the sound quality is decent, the earbuds fall out every time I turn my head, so they are useless for running."),
    ("products", N, False, "I bought this robot vacuum hoping it would save me some time in the evenings. Instead it has become a second job. It gets stuck under the sofa every single day, it can't find its way back to the dock, and the app regularly forgets the map it spent a week learning. Twice it has dragged a phone charger across the room. The suction itself is fine, but that hardly matters when it spends most of its time beeping for help. I've started doing the floors myself again."),
    ("products", N, True, "Five stars for the charger that needs charging more often than my phone."),
    ("products", N, False, "Cheap plastic that cracked on day one."),
    ("products", N, True, "The colour is nice, I suppose, and it arrived on time. That's where the good news ends."),
    ("products", N, True, "Not great, not terrible, just disappointing for what I paid."),
    ("products", N, False, "The zip broke the second time I used the backpack."),
    ("products", N, True, "Lovely design, great battery, fantastic screen. Pity it restarts itself every hour. Returned."),
    ("products", N, True, "Why does a toaster need to connect to the internet, and why does it burn every slice?"),
    ("products", N, False, "Smells of burning plastic whenever I use it."),
    ("products", N, True, "It does make decent toast, although only on one side."),
    ("products", N, False, "Returned it after two days."),
    ("products", N, True, "I really can't recommend this phone case, no matter how good it looks in the photos."),
    ("products", N, False, "The office chair squeaks with every movement and the armrest fell off within a month."),
    # ------------------------------------------------------------------ apps
    ("apps", P, True, "Not a single crash in six months."),
    ("apps", P, True, "The setup is fiddly and the tutorial is far too long, but once it's running Budgetly has completely changed how I handle money."),
    ("apps", P, False, "Clean, fast and genuinely useful."),
    ("apps", P, True, "Why did nobody tell me about PantryPal sooner?"),
    ("apps", P, True, "Although the free version has a few ads, they're small and never interrupt what I'm doing."),
    ("apps", P, False, "I've tried at least a dozen habit trackers over the years and abandoned all of them within a week. FocusFox is the first one that has stuck. It doesn't nag or guilt you, it just shows a small fox that gets a bit happier each day you keep a habit going. The reminders are gentle, the widgets are lovely, and it syncs perfectly with my tablet. I'm now on day ninety-two of reading before bed, which past me would never have believed. Worth every penny of the premium version."),
    ("apps", P, True, "I can't find anything to complain about, and believe me, I tried."),
    ("apps", P, False, "Works offline, no ads, no fuss."),
    ("apps", P, True, "The icon is ugly and the name is silly. Doesn't matter. Best weather app I've used."),
    ("apps", P, False, "TrailMate's offline maps got me home when my signal died halfway up a mountain."),
    ("apps", P, True, "Never once lost a note, even when my phone died mid-sentence."),
    ("apps", P, False, "Lingo Leap makes practising Spanish feel like a game rather than homework."),
    ("apps", P, True, "What more could you ask for from a free app?"),
    ("apps", P, False, "Simple, honest budgeting app."),
    ("apps", P, True, "Although it took me a week to get used to the new layout, I now think it's a big improvement."),
    ("apps", P, False, "The developers actually read the reviews. I reported a bug on Monday and it was fixed in Thursday's update."),
    ("apps", P, True, "It has fewer features than the big-name apps and the design is plain, but everything it does, it does perfectly."),
    ("apps", P, False, "Love it, use it daily."),
    ("apps", P, True, "My only problem with Sleepwell is that I now fall asleep before I can finish setting the timer."),
    ("apps", P, False, "Sync between phone and laptop is instant and I haven't seen a single ad."),
    ("apps", N, True, "Oh great, another update that deletes my photos. Just what I needed."),
    ("apps", N, True, "The icon is pretty. That's all I've got."),
    ("apps", N, True, "I wouldn't call it a good app. I wouldn't call it an app at all, really, more an advert with a logo."),
    ("apps", N, True, "The design is beautiful, the animations are smooth, and the onboarding is a joy. Pity the app can't do the one thing I downloaded it for without crashing."),
    ("apps", N, True, "Why does a torch app need access to my contacts?"),
    ("apps", N, False, "Crashes every time I open it."),
    ("apps", N, True, "Although the idea is brilliant, the app is so buggy that I gave up after three days."),
    ("apps", N, False, "I was a paying customer of Cloudcrate for three years and recommended it to everyone. The last update has ruined it. Files I upload now take minutes to appear on my other devices, the search no longer finds anything older than a month, and the new design buries the share button three menus deep. Support told me to clear my cache and reinstall, which did nothing except log me out of everything. I've moved my files somewhere else and cancelled the subscription. Such a shame."),
    ("apps", N, True, "Love how the app logs me out every time I close it. Really keeps me on my toes."),
    ("apps", N, False, "Too many ads, constant crashes."),
    ("apps", N, True, "The loading screen is lovely, which is just as well, because you'll be looking at it a lot."),
    ("apps", N, True, "Not worth the storage space."),
    ("apps", N, False, "Charged me twice and support never replied."),
    ("apps", N, True, "Great idea, nice design, helpful tips. Shame it drains my battery by lunchtime and sends notifications at three in the morning. Deleted."),
    ("apps", N, True, "Did anyone test this update before pushing it to millions of phones?"),
    ("apps", N, False, "The step counter is wildly inaccurate and the sync keeps failing."),
    ("apps", N, True, "Although the new version looks modern, every feature I relied on has been removed or hidden."),
    ("apps", N, True, "\"Quick tour\", they said. Forty screens later I still hadn't reached the login page."),
    ("apps", N, True, "I really wanted to love this app, and I don't."),
    ("apps", N, False, "Subscription renewed without any warning and cancelling it took six emails."),
    # ---------------------------------------------------------------- hotels
    ("hotels", P, True, "The room was tiny and the street was loud, but the staff made it worth every penny."),
    ("hotels", P, True, "Not a single complaint from any of us, and there were six of us including a toddler."),
    ("hotels", P, False, "Spotless, quiet and friendly."),
    ("hotels", P, True, "Where else would you get a sea view like that for this price?"),
    ("hotels", P, True, "Although the building is old and the lift is tiny, the Old Rectory is one of the most charming places we've ever stayed."),
    ("hotels", P, False, "We spent a week at Pinecrest Lodge in October and I'm already trying to work out when we can go back. Our cabin looked straight out over the lake, the fire was laid every afternoon by the time we came back from walking, and the breakfast, with fresh bread, local honey and eggs from the farm down the road, was the highlight of every morning. The owners gave us hand-drawn maps of quieter trails and even lent my husband a pair of boots when his split. Proper hospitality."),
    ("hotels", P, True, "I wasn't expecting much from an airport hotel, but I honestly couldn't fault it."),
    ("hotels", P, False, "Great breakfast, lovely staff, perfect location."),
    ("hotels", P, True, "Dated decor, a slightly saggy sofa and a view of the bins. None of it mattered, because the bed was wonderful and the staff treated us like family."),
    ("hotels", P, False, "The bed was so comfortable I nearly missed my train."),
    ("hotels", P, True, "Nothing was too much trouble for the reception team."),
    ("hotels", P, False, "The pool, the gardens and the quiet rooms made it the perfect place to switch off."),
    ("hotels", P, True, "Why would we ever stay anywhere else in Lisbon now?"),
    ("hotels", P, False, "Would stay again."),
    ("hotels", P, True, "Although we arrived at two in the morning after a delayed flight, the night porter had tea and sandwiches waiting for us."),
    ("hotels", P, False, "Housekeeping left a handwritten note and a little cake for our anniversary, and the view from the balcony was stunning."),
    ("hotels", P, True, "Parking was a nightmare and the Wi-Fi was patchy. Everything else, from the spa to the restaurant, was superb."),
    ("hotels", P, False, "Charming guesthouse with a wonderful host."),
    ("hotels", P, True, "I can't remember the last time I slept so well in a hotel."),
    ("hotels", P, False, "Big clean rooms, a fantastic breakfast and staff who actually smile."),
    ("hotels", N, True, "Loved the \"sea view\", if by sea you mean the car park."),
    ("hotels", N, True, "The lift was very quick. That's the best thing I can say about it."),
    ("hotels", N, True, "I wouldn't say the room was clean. I wouldn't say anything about it was clean."),
    ("hotels", N, True, "The location is perfect and the lobby is gorgeous. Sadly the rooms are nothing like it, with damp walls, a broken shower and a mattress that sags in the middle. Not worth the price."),
    ("hotels", N, True, "Who charges extra for towels at a four-star hotel?"),
    ("hotels", N, False, "Dirty room and rude staff."),
    ("hotels", N, True, "Although the photos online look lovely, the real rooms are tired, cramped and smell of smoke."),
    ("hotels", N, False, "We booked the Grand Aldwych for a special weekend and it was a mistake from start to finish. Check-in took over an hour because the computers were down, and when we finally reached our room it hadn't been cleaned. We were moved to another room next to the lift, which clanked all night. The famous rooftop bar was closed for a private event, which no one had mentioned, and breakfast was a scrum of cold eggs and empty coffee pots. When we complained, the manager offered us a free drink. We left early."),
    ("hotels", N, True, "Thanks for the 6 a.m. fire alarm test on the only morning we could sleep in. Truly thoughtful."),
    ("hotels", N, False, "Noisy, damp and overpriced."),
    ("hotels", N, True, "The soap smelled nice and the kettle worked. I'm running out of positives."),
    ("hotels", N, True, "Not the worst hotel I've stayed in, but it's close."),
    ("hotels", N, False, "The walls were so thin we could hear the people next door brushing their teeth."),
    ("hotels", N, True, "Friendly receptionist, great location, lovely old building. Unfortunately there was mould in the bathroom and cockroaches in the wardrobe, so none of that really matters."),
    ("hotels", N, True, "Is a working shower really too much to ask for at two hundred a night?"),
    ("hotels", N, False, "We were charged twice and it took three weeks to get a refund."),
    ("hotels", N, True, "The staff tried their best, although that doesn't fix a room where the heating doesn't work in January."),
    ("hotels", N, False, "Never staying here again."),
    ("hotels", N, True, "I would not call it a holiday so much as a lesson in patience."),
    ("hotels", N, False, "The breakfast was stale, the pool was closed and the air conditioning rattled all night."),
]

# ---------------------------------------------------------------------------
# Composition material, per domain.
#   subjects   : what the review is about ({s})
#   items      : a secondary item ({x}): a dish, a scene, a feature ...
#   noun       : generic noun for the domain
#   openers    : neutral context sentences
#   details    : neutral filler sentences
#   pos / neg  : opinion clauses (lowercase, no final punctuation)
#   vpos / vneg: verdict clauses
#   short_pos / short_neg : complete 3-6 word lines
#   adj_pos / adj_neg     : adjectives for short lines
#   sarcasm    : noun phrases describing a bad experience (used ironically)
#   quality    : what the sarcasm pretends to praise ("Nothing says X like ...")
#   faint      : faint-praise sentences; faint_np: faint-praise noun phrases
#   rq_pos / rq_neg : rhetorical questions
# ---------------------------------------------------------------------------
MATERIAL: dict[str, dict[str, list[str] | str]] = {
    "films": {
        "noun": "film",
        "subjects": [
            "The Lantern Keeper", "Salt and Silence", "Midnight at Harrow Lane",
            "The Orchard Thief", "Glass Harbour", "Nine Winters",
            "The Cartographer's Daughter", "Paper Moons", "Redline Protocol",
            "The Quiet Tenant", "Echoes of Vesper", "A Small Rebellion",
            "Dust over Calder", "The Last Ferry Home", "Brightwater",
            "Copper Sky", "The Understudy", "Wolves of Marrow Creek",
            "Hollow Crown Street", "Summer of the Kites", "Static",
            "The Porcelain Heist", "Night Shift at the Museum of Clocks",
            "Borrowed Time", "Fathom", "The Tin Orchestra", "Kingdom of Rust",
            "Little Comets", "The Ninth Passenger", "After the Flood",
            "this film", "the new sequel", "this documentary",
            "the director's latest", "this animated feature",
        ],
        "items": [
            "the opening scene", "the car chase", "the final duel",
            "the wedding scene", "the courtroom sequence", "the flashback to 1974",
            "the dinner party scene", "the storm at sea", "the heist itself",
            "the final scene",
        ],
        "openers": [
            "I watched {s} on a rainy Sunday afternoon.",
            "We caught a late screening of {s} last Friday.",
            "My partner picked {s} for movie night.",
            "I went into {s} knowing almost nothing about it.",
            "{S} finally arrived on streaming this week, so I gave it a go.",
            "A friend had been recommending {s} for months.",
            "I saw {s} at a small festival screening.",
            "I took my teenage kids to see {s} over the holidays.",
            "I rented {s} after reading an interview with the director.",
            "We watched {s} on the plane home.",
            "{S} was the closing film at our local cinema club.",
            "I have been waiting for {s} since the first trailer dropped.",
        ],
        "details": [
            "It runs just over two hours.",
            "The cinema was about half full.",
            "We watched it with subtitles on.",
            "It is based on a novel I haven't read.",
            "Most of it takes place in a single house.",
            "The story covers about thirty years.",
            "It is the director's third feature.",
            "My friend had already seen it twice.",
        ],
        "pos": [
            "the pacing never drags, even in the quieter middle section",
            "the lead performance is warm, funny and completely believable",
            "the cinematography makes every frame look like a painting",
            "the score swells at exactly the right moments",
            "the dialogue is sharp and genuinely funny",
            "the ending ties everything together beautifully",
            "the supporting cast steals nearly every scene they are in",
            "the twist in the final act actually earns its surprise",
            "the story is simple but told with real heart",
            "the action is clear and easy to follow",
            "the chemistry between the two leads feels real",
            "the world-building is rich without ever becoming confusing",
            "the editing keeps the tension high from start to finish",
            "the child actors are natural and never annoying",
            "the jokes land for adults and kids alike",
            "the sound design had the whole room holding its breath",
            "the script trusts the audience to keep up",
            "the sets feel lived-in and real",
            "{x} is one of the most memorable things I've seen on screen this year",
            "{x} had the whole audience cheering",
        ],
        "neg": [
            "the plot falls apart completely in the third act",
            "the pacing is so slow that I checked my watch three times",
            "the dialogue sounds like it was written by a committee",
            "the lead delivers every line with the same flat expression",
            "the special effects look unfinished and cheap",
            "the ending just stops without resolving anything",
            "the jokes are tired and mostly fall flat",
            "the soundtrack drowns out half of the dialogue",
            "the characters make decisions no real person would make",
            "the twist is obvious from the first ten minutes",
            "the runtime is at least forty minutes too long",
            "the fights are shot so shakily that I could not tell who was hitting whom",
            "the romance subplot feels forced and goes nowhere",
            "the villain has no motivation beyond being evil",
            "the editing is choppy and several scenes feel missing",
            "the emotional moments feel manipulative rather than earned",
            "the lighting is so dark that I could barely see the actors",
            "{x} drags on for what feels like half an hour",
            "{x} makes no sense even after a second viewing",
            "the acting is terrible across the board",
            "the script is poor even by the standards of a straight-to-streaming sequel",
        ],
        "vpos": [
            "I would happily watch it again",
            "it is easily one of my favourite films this year",
            "it was worth every minute of the runtime",
            "I left the cinema smiling",
            "I'm already planning a second viewing",
            "it stayed with me for days afterwards",
            "I'd recommend it to anyone who loves a good story",
            "it is a real gem",
            "I can't wait to see what the director does next",
            "it deserves every award it gets",
        ],
        "vneg": [
            "I want those two hours of my life back",
            "I would not recommend it to anyone",
            "you should skip this one",
            "we walked out before the end",
            "it was a complete waste of a ticket",
            "I dozed off halfway through and didn't bother to rewind",
            "it is the most disappointing film I've seen this year",
            "you should save your money and wait for something better",
            "I regret paying full price for it",
            "it doesn't live up to the hype at all",
            "it was an awful way to spend an evening",
            "it is a poor copy of the original",
        ],
        "short_pos": [
            "Loved every minute of it.", "A beautiful, moving film.",
            "Instant classic for me.", "Best film I've seen lately.",
            "Go and see it.", "Funny, warm and clever.",
        ],
        "short_neg": [
            "Dull from start to finish.", "Two hours of nothing.",
            "Terrible script, worse acting.", "I walked out early.",
            "Painfully predictable throughout.", "A total snooze.",
        ],
        "adj_pos": ["funny", "moving", "gorgeous", "clever", "heartfelt",
                    "gripping", "charming", "tense", "witty", "beautiful"],
        "adj_neg": ["dull", "predictable", "bloated", "confusing", "lifeless",
                    "tedious", "clumsy", "shallow", "noisy", "joyless"],
        "sarcasm": [
            "another superhero origin story with a forty-minute final battle",
            "a mystery where the detective solves everything off screen",
            "a comedy whose only good jokes were in the trailer",
            "a horror film where the scariest thing is the ticket price",
            "three endings, none of which make sense",
            "a romance with all the chemistry of two filing cabinets",
            "a sequel that forgets everything that happened in the first film",
            "a two-hour film with no ending",
        ],
        "quality": "a great night at the cinema",
        "faint": [
            "Well, the opening credits were nicely designed.",
            "At least the seats were comfortable.",
            "The trailer was good.",
            "The poster looks nice, I'll give it that.",
            "The dog in the second scene gave the strongest performance.",
            "The popcorn was fresh.",
        ],
        "faint_np": ["the popcorn", "the opening credits", "the reclining seats",
                     "the trailer beforehand", "the dog in the second scene",
                     "the interval"],
        "rq_pos": [
            "What more could you ask for from a Saturday night film?",
            "Why aren't more people talking about {s}?",
            "How has nobody told me about {s} before?",
            "When did a film last make you laugh and cry in the same scene?",
            "Who knew a film about {x_bare} could be this gripping?",
        ],
        "rq_neg": [
            "Who approved this ending?",
            "Did anyone read the script before filming it?",
            "Why does every scene need a slow-motion shot?",
            "How did this get a cinema release?",
            "Was anyone in the editing room awake?",
        ],
        "topics": ["a lighthouse keeper", "a chess club", "two rival bakers",
                   "a retired spy", "a village choir", "a lost dog"],
    },
    "restaurants": {
        "noun": "restaurant",
        "subjects": [
            "Luca's Trattoria", "The Copper Pot", "Saffron House", "Blue Fig",
            "Nakamura Noodle Bar", "The Old Mill Kitchen", "Casa Lumbre",
            "Pho Corner", "The Green Ladle", "Harbourside Grill", "Little Seoul",
            "Marigold Café", "The Smokehouse on Fifth", "Olive & Ash",
            "Bao Brothers", "The Salt Cellar", "Tandoor Lane", "Bistro Amélie",
            "the new place on the high street", "the little taqueria near the station",
        ],
        "items": [
            "the lamb tagine", "the mushroom risotto", "the fish tacos",
            "the pork belly bao", "the tiramisu", "the butter chicken",
            "the margherita pizza", "the beef pho", "the crab linguine",
            "the falafel wrap", "the brisket platter", "the miso ramen",
            "the lemon tart", "the seafood paella", "the katsu curry",
            "the roasted cauliflower", "the duck confit", "the vegetable dumplings",
            "the Sunday roast", "the chocolate fondant",
        ],
        "openers": [
            "We had dinner at {s} on Saturday night.",
            "I booked a table at {s} for my mum's birthday.",
            "I stopped by {s} for a quick lunch between meetings.",
            "{S} opened down the street from us last month.",
            "We ordered takeaway from {s} on Friday.",
            "A colleague suggested {s} for our team lunch.",
            "I ordered {x} at {s}.",
            "My partner and I tried {s} after seeing it on a local food blog.",
            "We went to {s} for brunch with the kids.",
            "I've walked past {s} for years and finally went in.",
            "Six of us went to {s} for a friend's leaving do.",
        ],
        "details": [
            "We went on a Tuesday, so it was fairly quiet.",
            "They don't take bookings for lunch.",
            "The menu changes every week.",
            "We sat outside on the terrace.",
            "It is a small place with maybe ten tables.",
            "We shared most of the dishes.",
            "Parking nearby is limited.",
            "I had {x} and my friend had the set menu.",
        ],
        "pos": [
            "{x} was cooked perfectly and full of flavour",
            "the portions were generous without being silly",
            "the staff remembered our names by the second visit",
            "the bread arrived warm with whipped honey butter",
            "{x} was rich, tender and seasoned just right",
            "the prices are very fair for the quality",
            "the dessert menu is worth saving room for",
            "our server recommended a wine that matched perfectly",
            "the food came out quickly even though every table was full",
            "the dining room is cosy and the music is kept low",
            "the vegetarian options are actually interesting",
            "the kitchen happily adjusted {x} for my allergy",
            "{x} tasted like something a grandmother spent all day on",
            "the cocktails are inventive and well balanced",
            "everything on the plate was clearly fresh",
            "the service was warm and attentive without hovering",
            "{x} is the best version of that dish I've had in this city",
        ],
        "neg": [
            "{x} arrived lukewarm and swimming in oil",
            "we waited fifty minutes for our mains",
            "the server forgot our drinks twice",
            "{x} was so salty I couldn't finish it",
            "the portions are tiny for what they charge",
            "the table was sticky and the floor was worse",
            "the music was so loud we had to shout",
            "the bill included a service charge nobody had mentioned",
            "{x} tasted like it had been reheated from yesterday",
            "the manager argued with us instead of apologising",
            "half the menu was unavailable",
            "the rice was undercooked and crunchy",
            "our order was wrong and took another twenty minutes to fix",
            "the dessert was clearly from a supermarket freezer",
            "{x} had no seasoning at all",
            "the staff ignored us for a quarter of an hour after we sat down",
            "the food was frankly awful",
            "the service was poor from the moment we walked in",
        ],
        "vpos": [
            "we will definitely be back",
            "it is now our favourite spot in the neighbourhood",
            "I'd recommend it to anyone who loves good food",
            "it was worth every penny",
            "I'm already planning our next visit",
            "it was the best meal we've had in months",
            "I'd happily eat there every week",
            "it was a lovely evening from start to finish",
        ],
        "vneg": [
            "we won't be going back",
            "I would not recommend it to anyone",
            "it was not worth the money",
            "I'd rather cook at home",
            "it was one of the worst meals I've had in years",
            "we left hungry and annoyed",
            "I'm giving up on this place",
            "it was a disappointing evening from start to finish",
            "it was a terrible meal",
            "it was an awful night out",
        ],
        "short_pos": [
            "Delicious, friendly, fair prices.", "Best ramen in town.",
            "Great brunch spot.", "Cosy place, excellent pasta.",
            "Will definitely be back.", "Fantastic food, lovely staff.",
        ],
        "short_neg": [
            "Cold food, rude staff.", "Never again, sadly.",
            "Food poisoning. Avoid.", "Slow service, tiny portions.",
            "Bland and overpriced.", "Waited an hour. Awful.",
        ],
        "adj_pos": ["delicious", "fresh", "generous", "cosy", "friendly",
                    "flavourful", "welcoming", "tasty", "affordable", "lovely"],
        "adj_neg": ["bland", "greasy", "overpriced", "slow", "cold",
                    "stale", "rude", "noisy", "grubby", "chaotic"],
        "sarcasm": [
            "an hour-long wait for a cold burger",
            "a salad that was ninety percent onion",
            "being charged for tap water",
            "a waiter who sighed every time we asked for something",
            "soup served at room temperature",
            "finding a hair in the risotto",
            "a twenty-pound pizza with four slices of pepperoni",
            "a dessert that was still frozen in the middle",
        ],
        "quality": "fine dining",
        "faint": [
            "Well, the water was cold.",
            "At least the bread was free.",
            "The napkins were very soft.",
            "The menu had a lovely font.",
            "The parking was easy.",
            "The mints by the till were nice.",
        ],
        "faint_np": ["the bread basket", "the parking", "the mint they gave us with the bill",
                     "the view of the car park", "the tap water", "the napkins"],
        "rq_pos": [
            "Where else can you get a meal this good for under twenty?",
            "What more could you want from a Sunday lunch?",
            "Why did nobody tell me about {s} sooner?",
            "Is there a better {x_bare} anywhere in town? I doubt it.",
            "How do they make {x} taste this good?",
        ],
        "rq_neg": [
            "Who puts raisins in a carbonara?",
            "Is it too much to ask for hot food at a restaurant?",
            "Why charge this much for a plate of plain pasta?",
            "Did the chef taste {x} before sending it out?",
            "How is it possible to get {x} this wrong?",
        ],
    },
    "products": {
        "noun": "purchase",
        # Product subjects carry tags and their own parts: "name|tags|part;part".
        # A clause, opener or detail written "tags|text" is only used for a
        # subject sharing at least one of those tags.
        "subjects": [
            "this blender|elec,kitchen,loud,rigid|the lid;the jug;the power button",
            "the standing desk|furn,setup,rigid|the height controls;the crossbar;the cable tray",
            "this air fryer|elec,kitchen,heat,rigid|the basket;the handle;the temperature dial",
            "the robot vacuum|elec,battery,loud,app,setup,rigid|the side brush;the charging dock;the dust bin",
            "this backpack|wear,comfort,fold|the zip;the shoulder straps;the laptop sleeve",
            "the electric kettle|elec,kitchen,heat,rigid|the lid;the handle;the base",
            "the desk lamp|elec,setup,rigid|the clamp;the hinge;the switch",
            "this phone case|hand,rigid|the button covers;the camera ring",
            "the mechanical keyboard|elec,loud,comfort,rigid|the space bar;the cable;the keycaps",
            "the coffee grinder|elec,kitchen,loud,rigid|the lid;the dial;the hopper",
            "this yoga mat|comfort,fold|the carry strap",
            "the portable charger|elec,battery,hand,rigid|the charging port;the cable;the power button",
            "the cast iron pan|kitchen,heat|the handle",
            "the smart watch|elec,battery,app,wear,comfort,hand|the strap;the display;the charger",
            "the office chair|furn,setup,comfort|the armrest;the wheels;the height lever",
            "this rain jacket|wear,fold|the zip;the hood;the cuffs",
            "the baby monitor|elec,battery,app,setup,rigid|the camera stand;the screen;the power cable",
            "the Kestrel K2 headphones|elec,battery,app,wear,comfort|the headband;the ear cushions;the charging port",
            "the Voltra power bank|elec,battery,hand,rigid|the charging port;the power button;the cable",
            "the Brewmaster 300 coffee machine|elec,kitchen,heat,loud,setup,rigid|the water tank;the milk frother;the drip tray",
            "this electric toothbrush|elec,battery,hand|the brush head;the charging base;the power button",
            "the hair dryer|elec,heat,loud,hand|the nozzle;the switch;the cable",
            "this tent|setup,fold|the poles;the zip;the pegs",
            "the wireless mouse|elec,battery,hand,comfort|the scroll wheel;the side buttons;the battery cover",
        ],
        "items": ["the packaging"],
        "openers": [
            "I bought {s} about three months ago.",
            "{S} was a birthday present from my brother.",
            "I ordered {s} after my old one finally died.",
            "I've been using {s} every day for six weeks now.",
            "{S} arrived two days earlier than promised.",
            "I picked up {s} in a sale.",
            "furn,kitchen,elec|I needed {s} for my new flat.",
            "I chose {s} after comparing about ten options online.",
            "We've had {s} in the house since January.",
            "I bought {s} as a replacement for a much more expensive model.",
            "wear,fold|I took {s} on a week-long walking trip.",
        ],
        "details": [
            "It comes in three colours and I went for grey.",
            "I paid a little under fifty pounds.",
            "setup|It took about twenty minutes to set up.",
            "I mostly use it in the mornings.",
            "It replaced one I'd had for about five years.",
            "elec|The box includes a spare cable.",
            "My partner uses it more than I do.",
            "I checked the warranty before buying.",
        ],
        "pos": [
            "it feels solid and well made",
            "battery|the battery easily lasts a full week",
            "setup|setup took less than five minutes",
            "loud|it is much quieter than I expected",
            "setup|the instructions are clear and actually useful",
            "hand|it has survived being dropped several times",
            "the materials feel premium for the price",
            "it does exactly what the listing promised",
            "customer support sent a replacement for {x} within two days",
            "fold|it folds away neatly when I don't need it",
            "kitchen|the design is simple and looks smart on the counter",
            "heat|it heats up in under a minute",
            "comfort|it is comfortable enough to use all day",
            "kitchen|cleaning it takes no time at all",
            "{x} feels sturdy and well finished",
            "it still works like new after months of daily use",
            "app|the companion app is simple and never nags",
            "wear|it looks smart enough to wear to the office",
            "elec|it charges fully in about an hour",
        ],
        "neg": [
            "elec|it stopped working after two weeks",
            "battery|the battery barely lasts an afternoon",
            "{x} came loose on the first day",
            "loud|it is far louder than the listing suggests",
            "setup|the instructions are missing half the steps",
            "elec,hand|the plastic feels flimsy and creaks when you hold it",
            "rigid|it arrived with a crack across the side",
            "app|the app it needs keeps disconnecting",
            "heat|it takes ages to heat up",
            "customer support never replied to my emails",
            "the colour looks nothing like the photos",
            "elec|it smells of burning plastic whenever I use it",
            "{x} snapped the second time I used it",
            "furn|it wobbles no matter how carefully you assemble it",
            "elec|it overheats after ten minutes of use",
            "a replacement for {x} costs almost as much as the whole thing",
            "the build quality is poor for something at this price",
            "the finish looks cheap up close",
            "wear|the sizing is way off and it rubs after an hour",
            "fold|it never folds back down as small as it came",
        ],
        "vpos": [
            "I would buy it again without thinking twice",
            "it is worth every penny",
            "I've already recommended it to three friends",
            "kitchen|it has made my mornings so much easier",
            "it has made my daily routine a little easier",
            "it is the best purchase I've made this year",
            "I am very happy with it",
            "I'd give it five stars",
            "I use it every single day and it still impresses me",
        ],
        "vneg": [
            "I'm sending it back",
            "I would not buy it again",
            "it was a waste of money",
            "I regret not buying something else",
            "I'd give it zero stars if I could",
            "it went straight in the bin",
            "I've asked for a refund",
            "I can't recommend it to anyone",
            "it is a terrible product",
            "it is the worst thing I've bought online",
        ],
        "short_pos": [
            "Works perfectly, great value.", "Solid, quiet, does the job.",
            "Exactly as described. Recommended.", "Love it, use it every day.",
            "Excellent build quality.", "Would buy again.",
        ],
        "short_neg": [
            "Do not buy this.", "Cheap plastic, poor fit.",
            "Returned it the next day.", "Stopped charging after a month.",
            "Complete rubbish, sadly.", "Fell apart in days.",
        ],
        "adj_pos": ["sturdy", "quiet", "reliable", "sleek", "comfortable",
                    "light", "durable", "handy", "powerful", "compact"],
        "adj_neg": ["flimsy", "noisy", "unreliable", "fiddly", "uncomfortable",
                    "clunky", "cheap", "wobbly", "useless", "overpriced"],
        "sarcasm": [
            "a kettle that takes fifteen minutes to boil",
            "headphones that cancel everything except the noise",
            "a waterproof jacket that soaks through in a drizzle",
            "a phone case that cracked before the phone did",
            "a charger that needs charging more often than my phone",
            "an office chair that sinks an inch every hour",
            "a smart watch that can't tell the time after a software update",
            "a non-stick pan that everything sticks to",
        ],
        "quality": "quality engineering",
        "faint": [
            "The packaging was lovely.",
            "The delivery driver was very polite.",
            "It looks nice in the photos.",
            "At least the return label printed easily.",
            "The colour is nice, I suppose.",
            "The box was very sturdy.",
        ],
        "faint_np": ["the packaging", "the delivery driver", "the box it came in",
                     "the free sticker", "the return label", "the product photos"],
        "rq_pos": [
            "Why didn't I buy one of these years ago?",
            "What more could you want for the price?",
            "How did I ever manage without it?",
            "Who knew {s} could make such a difference?",
            "Why did I wait so long to replace my old one?",
        ],
        "rq_neg": [
            "elec|Who designs a charging port you can't reach?",
            "Did anyone actually test this before selling it?",
            "app|Why does {s} need its own app and an account?",
            "How does {x} break after two days of gentle use?",
            "Is it too much to ask for a product that works out of the box?",
        ],
    },
    "apps": {
        "noun": "app",
        "subjects": [
            "Budgetly", "Snapnote", "TrailMate", "Lingo Leap", "FocusFox",
            "PantryPal", "Sleepwell", "TaskTide", "Pixelpress", "RouteRunner",
            "Moodboard", "Chorewheel", "Stepcount Pro", "Cloudcrate", "ReadLater",
            "Tunewave", "Mealmap", "Gardenly", "Parkpass", "Quillnote",
            "this app", "the new version of the app",
        ],
        "items": [
            "the calendar view", "the search bar", "the home screen widget",
            "the sync feature", "the sharing menu", "the photo editor",
            "the offline mode", "the reminder settings", "the dark mode",
            "the export button",
        ],
        "openers": [
            "I've been using {s} for about two months.",
            "I downloaded {s} after a friend recommended it.",
            "{S} came preinstalled on my new phone.",
            "I switched to {s} from a rival app last spring.",
            "I tried {s} on both my phone and my tablet.",
            "After the latest update to {s}, I decided to write a review.",
            "I paid for the premium version of {s}.",
            "Our whole family uses {s} to keep track of things.",
            "I installed {s} for a trip abroad.",
            "My manager asked the whole team to try {s}.",
        ],
        "details": [
            "I'm on an Android phone that's a few years old.",
            "I mostly use it on my commute.",
            "The premium plan is billed monthly.",
            "I use it alongside a paper diary.",
            "I've had it installed since version two.",
            "It asks you to make an account on first launch.",
            "I use it in both English and German.",
            "I tested it for a full month before writing this.",
        ],
        "pos": [
            "the interface is clean and easy to find my way around",
            "syncing between my phone and laptop just works",
            "it opens instantly, even on my old phone",
            "the reminders actually help me stick to my routine",
            "the free version is generous and not full of ads",
            "the developers respond to feedback within days",
            "the dark mode is easy on the eyes at night",
            "it barely uses any battery",
            "the offline mode saved me on a long flight",
            "every update has added something useful",
            "the widgets put everything I need on my home screen",
            "exporting my data was simple and quick",
            "{x} is thoughtfully designed and quick to use",
            "it has never lost a single entry",
            "the onboarding takes about a minute and skips the fluff",
        ],
        "neg": [
            "it crashes every time I open the camera",
            "the latest update wiped all my saved notes",
            "there is an advert after every single tap",
            "it drains my battery in a couple of hours",
            "the login screen keeps rejecting my correct password",
            "the subscription renewed without any warning",
            "notifications arrive hours late or not at all",
            "half the buttons are too small to tap",
            "sync between devices has been broken for weeks",
            "the new design hides the features I use most",
            "support replies with copied answers that don't help",
            "it asks for permissions it clearly does not need",
            "{x} freezes the whole app",
            "{x} disappeared in the last update",
            "it takes almost a minute to load on a fast connection",
            "the performance is awful on older phones",
            "the latest redesign is a horrible mess",
        ],
        "vpos": [
            "it has earned a permanent spot on my home screen",
            "it is worth paying for premium",
            "I recommend it to everyone who asks",
            "I use it every single day",
            "it is the best app of its kind I've tried",
            "I'd give it five stars",
            "it has genuinely made my week more organised",
            "I can't imagine going back to my old app",
        ],
        "vneg": [
            "I've uninstalled it",
            "I'm cancelling my subscription",
            "I would not recommend it",
            "it is not worth the storage space",
            "I'm going back to pen and paper",
            "I'd give it one star",
            "I've already switched to a different app",
            "I regret paying for it",
            "it is a terrible app",
            "it is the worst update they have ever shipped",
        ],
        "short_pos": [
            "Simple, fast, does the job.", "Best budgeting app I've used.",
            "Love the new widgets.", "Clean design, no ads.",
            "Finally, an app that works.", "Brilliant little app.",
        ],
        "short_neg": [
            "Crashes constantly. Uninstalled.", "Too many ads.",
            "Update broke everything.", "Useless since the redesign.",
            "Drains my battery fast.", "Won't even open now.",
        ],
        "adj_pos": ["fast", "simple", "reliable", "intuitive", "polished",
                    "handy", "clean", "helpful", "smooth", "lightweight"],
        "adj_neg": ["buggy", "slow", "confusing", "bloated", "glitchy",
                    "cluttered", "unstable", "pushy", "laggy", "useless"],
        "sarcasm": [
            "another update that deletes my photos",
            "a login screen that forgets me every single day",
            "a quick tour with forty screens",
            "a running app that crashes halfway through my run",
            "a notes app that loses my notes",
            "paying monthly for features that used to be free",
            "an alarm app that forgets to ring",
            "a budgeting app that charged me twice",
        ],
        "quality": "a polished app",
        "faint": [
            "The icon is quite pretty.",
            "The loading animation is cute.",
            "At least it uninstalls quickly.",
            "The font is nice.",
            "The onboarding screens have lovely illustrations.",
            "The app store screenshots look great.",
        ],
        "faint_np": ["the icon", "the loading animation", "the uninstall button",
                     "the splash screen", "the app store description", "the logo"],
        "rq_pos": [
            "Why did nobody tell me about {s} sooner?",
            "How did I ever plan my week without this?",
            "What more could you want from a free app?",
            "Why would I go back to my old app now?",
            "Who knew {x} could be this useful?",
        ],
        "rq_neg": [
            "Who thought hiding the save button was a good idea?",
            "Why does a calculator need my location?",
            "Did anyone test this update before releasing it?",
            "Why does {x} need a subscription now?",
            "How is it possible to break {x} this badly?",
        ],
    },
    "hotels": {
        "noun": "hotel",
        "subjects": [
            "the Harbour View Inn", "the Grand Aldwych", "Pinecrest Lodge",
            "the Seabird Hotel", "the Old Rectory", "Hotel Meridiana",
            "the Lakeside Retreat", "the Station Hotel", "Casa del Faro",
            "the Willow Court Hotel", "Chalet Rosa", "the Dockyard Suites",
            "the Kingfisher Guesthouse", "Hotel Nordlys", "the Palmgrove Resort",
            "the Bell & Anchor", "the Quayside Hostel", "the Mews House",
            "this hotel", "the airport hotel",
        ],
        "items": [
            "the breakfast buffet", "the rooftop bar", "the spa", "the pool",
            "the reception desk", "the family room", "the sea-view suite",
            "the car park", "the gym", "the in-house restaurant",
        ],
        "openers": [
            "We stayed at {s} for three nights in March.",
            "I booked {s} for a work trip.",
            "{S} was our base for a week of hiking.",
            "My wife and I spent our anniversary weekend at {s}.",
            "We chose {s} because it was close to the station.",
            "I spent one night at {s} before an early flight.",
            "We took the kids to {s} during half term.",
            "A group of us booked {s} for a friend's wedding.",
            "I stayed at {s} on a last-minute booking.",
            "We've stayed at {s} twice now.",
        ],
        "details": [
            "We had a double room on the third floor.",
            "We arrived quite late in the evening.",
            "Breakfast was included in the rate.",
            "It is about ten minutes' walk from the centre.",
            "We booked directly rather than through a website.",
            "The building used to be a warehouse.",
            "We travelled with a small dog.",
            "We stayed in {x} one night and a standard room the next.",
        ],
        "pos": [
            "the bed was the most comfortable I've slept in",
            "the staff went out of their way to help us",
            "the room was spotless when we arrived",
            "breakfast had fresh pastries and proper coffee",
            "the view from our balcony was stunning",
            "check-in took two minutes",
            "the location is ideal for exploring the old town",
            "the shower had fantastic water pressure",
            "the pool was clean and never crowded",
            "housekeeping left little handwritten notes",
            "the room was quiet even though we faced the street",
            "they upgraded us without us asking",
            "{x} was even better than the photos",
            "the concierge booked us a table at a wonderful local restaurant",
            "the beds were made up with crisp, fresh linen every day",
        ],
        "neg": [
            "the room smelled of damp",
            "the walls are so thin we heard every word next door",
            "the air conditioning rattled all night",
            "breakfast was stale bread and watery coffee",
            "check-in took over an hour",
            "there was hair in the shower when we arrived",
            "the Wi-Fi only worked in the lobby",
            "the pool was closed for our entire stay",
            "the reception staff were rude and dismissive",
            "the photos online must be ten years old",
            "the street noise kept us awake until three",
            "we were charged twice for the room",
            "{x} was closed without any notice",
            "{x} was filthy and clearly hadn't been cleaned in days",
            "the lift broke down and we had to carry our bags up five floors",
            "the cleaning was poor at best",
            "the food in the restaurant was awful",
        ],
        "vpos": [
            "we would stay there again in a heartbeat",
            "it was worth every penny",
            "it made our trip",
            "I've already booked our next stay",
            "I'd recommend it to anyone visiting the area",
            "it is the best hotel we've stayed in for years",
            "we didn't want to leave",
            "it felt like a proper treat",
        ],
        "vneg": [
            "we will not be staying there again",
            "I would not recommend it to anyone",
            "it was not worth the money",
            "we checked out a day early",
            "it ruined the first half of our holiday",
            "I'd rather sleep in the car next time",
            "it was the most stressful stay we've ever had",
            "we've asked for a partial refund",
            "it was an awful stay",
            "it was a horrible start to our holiday",
        ],
        "short_pos": [
            "Spotless rooms, lovely staff.", "Perfect location, great breakfast.",
            "Would stay again happily.", "Cosy, quiet and friendly.",
            "An absolute gem.", "Best hotel in town.",
        ],
        "short_neg": [
            "Dirty room, rude staff.", "Never staying here again.",
            "Avoid this place entirely.", "Damp, noisy, overpriced.",
            "Worst stay in years.", "Cold showers every morning.",
        ],
        "adj_pos": ["spotless", "quiet", "welcoming", "comfortable", "charming",
                    "cosy", "peaceful", "elegant", "friendly", "relaxing"],
        "adj_neg": ["dirty", "noisy", "damp", "cramped", "shabby",
                    "stuffy", "overpriced", "unfriendly", "dated", "chaotic"],
        "sarcasm": [
            "a sea view of the car park",
            "a 6 a.m. fire alarm test on our only lie-in",
            "a king-size bed made of two singles pushed together",
            "a luxury spa that turned out to be a hot tub in the basement",
            "a free breakfast that cost eighteen pounds",
            "housekeeping walking in while I was in the shower",
            "a quiet room directly above the nightclub",
            "a pool with no water in it",
        ],
        "quality": "luxury",
        "faint": [
            "The lift was very quick.",
            "The soap smelled nice.",
            "The car park was easy to find.",
            "At least the kettle worked.",
            "The lobby has a nice plant.",
            "The key cards worked first time.",
        ],
        "faint_np": ["the lift", "the soap", "the car park", "the kettle",
                     "the plant in the lobby", "the free pen"],
        "rq_pos": [
            "What more could you want from a weekend away?",
            "Where else will you get a view like that for this price?",
            "Why would we stay anywhere else now?",
            "How do they keep {x} this immaculate?",
            "Who knew {s} would be the highlight of our trip?",
        ],
        "rq_neg": [
            "Who charges extra for towels?",
            "Is a working shower too much to ask for?",
            "Why is breakfast over at 8 a.m. on a Sunday?",
            "How can {x} be closed in the middle of summer?",
            "Did anyone actually clean the room before we arrived?",
        ],
    },
}

# ---------------------------------------------------------------------------
# Generic templates.
# ---------------------------------------------------------------------------
WRAP_FIRST = [
    "{C}.", "{C}.", "{C}.", "Honestly, {c}.", "For me, {c}.", "I have to say {c}.",
    "What stood out most is that {c}.", "It's worth mentioning that {c}.",
    "Straight away I noticed that {c}.", "As far as I'm concerned, {c}.",
    "My partner said {c}, and I agree.", "{C}, which I didn't expect.",
    "First things first: {c}.", "The main thing is that {c}.",
]
WRAP_NEXT = {
    "positive": ["Best of all, {c}.", "What's more, {c}.", "It helps that {c}.",
                 "I was pleased that {c}.", "Happily, {c}.", "Also, {c}.",
                 "And {c}.", "{C} as well.", "Plus, {c}.", "{C}."],
    "negative": ["Sadly, {c}.", "Worse still, {c}.", "To make matters worse, {c}.",
                 "What's more, {c}.", "I was annoyed that {c}.", "Also, {c}.",
                 "And {c}.", "Unfortunately, {c}.", "Plus, {c}.", "{C}."],
}
PAIR = ["{C1}, and {c2}.", "{C1}; {c2}.", "{C1}, and on top of that {c2}.",
        "{C1}, while {c2}."]
VERDICT = ["{V}.", "{V}.", "Overall, {v}.", "In short, {v}.", "All in all, {v}.",
           "Bottom line: {v}.", "To sum up, {v}.", "Frankly, {v}.", "{V}!",
           "Long story short, {v}.", "So yes, {v}."]
ONE_LINERS = ["{C}, so {v}.", "{V} because {c}.", "{C}, and {v}.",
              "{V}: {c}.", "Since {c}, {v}."]

TURN = ["Still,", "Even so,", "That said,", "In the end, though,",
        "Despite all that,", "But honestly,", "But overall,", "And yet"]

NEGATION_POS = [
    "Not bad at all.",
    "{S} was not bad at all, actually.",
    "Honestly, I could not find a single thing to complain about.",
    "I wasn't disappointed for a second.",
    "I didn't expect much from {s}, and I couldn't have been more wrong.",
    "There is nothing I would change.",
    "No complaints whatsoever.",
    "I can't remember the last time a {noun} impressed me this much.",
    "It never once felt like a waste of money.",
    "Not a single thing went wrong.",
    "I have nothing bad to say about {s}.",
    "You won't regret it.",
    "I was worried it would be a letdown. It wasn't, not even slightly.",
    "I don't usually leave reviews, but I couldn't not mention {s}.",
    "Nothing about {s} felt cheap or rushed.",
    "I never thought I'd say this about a {noun}, but I can't fault it.",
]
NEGATION_NEG = [
    "I wouldn't say it was good.",
    "I wouldn't say {s} was good, and I really wanted to.",
    "It was not good, and it was not even interesting.",
    "I can't say I enjoyed it.",
    "Nobody in our group liked it.",
    "I did not love it, and I don't understand the hype.",
    "It is not worth the price, not even close.",
    "Not great, and certainly not something I'd recommend.",
    "I can't call this a good {noun} with a straight face.",
    "Not once did it live up to the reviews.",
    "There is nothing I would come back for.",
    "I wouldn't recommend {s}, not even to someone I dislike.",
    "I wanted it to be great. It isn't, not by a long way.",
    "Nothing about {s} worked the way it should.",
    "I couldn't find a single reason to give it another chance.",
    "It is hard to think of a {noun} I have enjoyed less.",
]
SARCASM = [
    "Oh great, {e}. Just what I needed.",
    "Nothing says {q} like {e}.",
    "Wow, {e}. What a treat.",
    "Ten out of ten for {e}. Truly impressive.",
    "Fantastic. {E}. Can't wait for more.",
    "Absolutely loved {e}. Would definitely pay for that again.",
    "Brilliant, {e}. Exactly how I wanted to spend my money.",
    "Five stars for {e}. Really outstanding work.",
    "Thank you so much for {e}. Really made my day.",
    "What a wonderful surprise: {e}.",
]
FAINT_CLOSERS = [
    "That's about all I can say for it.",
    "Sadly, that was the highlight.",
    "That is the nicest thing I can say.",
    "I'm struggling to think of anything else.",
    "And that's where the positives end.",
    "The rest I'd rather forget.",
    "That's it. That's the list.",
]
FAINT_NP_TEMPLATES = [
    "The best thing about {s} was {f}.",
    "Honestly, the highlight of {s} was {f}.",
    "The most memorable part of the whole experience was {f}.",
    "If I'm being generous, {f} was fine.",
    "I'll say one good thing: {f} was nice.",
]
MIXED_ALTERNATIVES = [
    # {v}/{p} carry the label's polarity, {o1}/{o2} the opposite one;
    # {TURN} is replaced by a random connector from TURN.
    "{O1}, and {o2}, but {v}.",
    "Yes, {o1}. And yes, {o2}. But {v}.",
    "Sure, {o1}, but {p}, and {v}.",
    "{O1}. {O2}. {TURN} {v}.",
    "{O1}, I'll admit. {TURN} {p}, and {v}.",
    "{O1}, but {p}. {V}.",
    "Okay, {o1}. It doesn't matter, because {p}.",
]
ALTHOUGH = [
    "Although {o1}, {v}.",
    "{V}, although {o1}.",
    "Even though {o1}, {v}.",
    "Although {o1}, {p}.",
    "{P}, even if {o1}.",
    "While {o1}, {v}.",
]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def fill(template: str, ctx: dict[str, str]) -> str:
    """Format a template with lower/upper-case variants of every slot."""
    full = {}
    for k, v in ctx.items():
        full[k] = v
        full[k.upper()] = cap(v)
    return template.format(**full)


def split_tags(entry: str) -> tuple[set[str], str]:
    """'tag,tag|text' -> ({tags}, text); plain text has no tags."""
    if "|" in entry:
        tags, text = entry.split("|", 1)
        return set(tags.split(",")), text
    return set(), entry


class Composer:
    """Builds one review at a time; per-review state avoids repetition."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tags: set[str] = set()
        self.used: set[str] = set()

    # -- helpers ---------------------------------------------------------
    def ctx(self, domain: str) -> dict[str, str]:
        """Pick the subject of a new review and reset the per-review state."""
        m = MATERIAL[domain]
        r = self.rng
        subject = r.choice(m["subjects"])
        if subject.count("|") == 2:
            s, tags, parts = subject.split("|")
            self.tags = set(tags.split(","))
            x = r.choice(parts.split(";"))
        else:
            s, self.tags = subject, set()
            x = r.choice(m["items"])
        self.used = set()
        bare = x[4:] if x.startswith("the ") else x
        if domain == "films":
            bare = r.choice(m["topics"])
        return {"s": s, "x": x, "x_bare": bare, "noun": m["noun"]}

    def options(self, entries: list[str]) -> list[str]:
        """Entries usable for the current subject (tag filter)."""
        out = []
        for e in entries:
            tags, text = split_tags(e)
            if not tags or tags & self.tags:
                out.append(text)
        return out

    def pick(self, entries: list[str], track: bool = True) -> str:
        """Choose an entry not used yet in this review (falls back to any)."""
        opts = self.options(entries)
        fresh = [o for o in opts if o not in self.used]
        if "{x}" in "".join(self.used):
            fresh = [o for o in fresh if "{x}" not in o]  # one {x} per review
        choice = self.rng.choice(fresh or opts)
        if track and choice not in ("{C}.", "{V}."):
            self.used.add(choice)
        return choice

    def clause(self, domain, label, ctx) -> str:
        key = "pos" if label == "positive" else "neg"
        return fill(self.pick(MATERIAL[domain][key]), ctx)

    def verdict_clause(self, domain, label, ctx) -> str:
        key = "vpos" if label == "positive" else "vneg"
        return fill(self.pick(MATERIAL[domain][key]), ctx)

    def opener(self, domain, ctx) -> str:
        return fill(self.pick(MATERIAL[domain]["openers"]), ctx)

    def detail(self, domain, ctx) -> str:
        return fill(self.pick(MATERIAL[domain]["details"]), ctx)

    def aspect_sentences(self, domain, label, n, ctx, pair_p=0.35) -> list[str]:
        """n sentences about aspects; some hold two clauses."""
        out: list[str] = []
        for i in range(n):
            if self.rng.random() < pair_p:
                c1 = self.clause(domain, label, ctx)
                c2 = self.clause(domain, label, ctx)
                out.append(fill(self.pick(PAIR), {"c1": c1, "c2": c2}))
            else:
                c = self.clause(domain, label, ctx)
                wraps = WRAP_FIRST if i == 0 else WRAP_NEXT[label]
                out.append(fill(self.pick(wraps), {"c": c}))
        return out

    def verdict_sentence(self, domain, label, ctx) -> str:
        v = self.verdict_clause(domain, label, ctx)
        return fill(self.pick(VERDICT), {"v": v})

    # -- easy reviews -----------------------------------------------------
    def short_line(self, domain, label) -> str:
        m = MATERIAL[domain]
        r = self.rng
        if r.random() < 0.35:
            return r.choice(m["short_pos" if label == "positive" else "short_neg"])
        adjs = r.sample(m["adj_pos" if label == "positive" else "adj_neg"], 3)
        tail_pos = ["Loved it.", "Recommended.", "Go.", "Five stars.", "Lovely."]
        tail_neg = ["Avoid.", "Skip it.", "One star.", "Not again.", "Disappointing."]
        tail = r.choice(tail_pos if label == "positive" else tail_neg)
        form = r.randrange(4)
        if form == 0:
            return f"{cap(adjs[0])}, {adjs[1]} and {adjs[2]}."
        if form == 1:
            return f"{cap(adjs[0])} and {adjs[1]}. {tail}"
        if form == 2:
            return f"Really {adjs[0]}. {tail}"
        return f"{cap(adjs[0])}, {adjs[1]}, {adjs[2]}. {tail}"

    def easy(self, domain: str, label: str) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        n = r.choices([0, 1, 2, 3, 4, 5], weights=[13, 19, 21, 20, 14, 13])[0]
        if n == 0:
            return self.short_line(domain, label)
        if n == 1:
            if r.random() < 0.3:
                return self.verdict_sentence(domain, label, ctx)
            if r.random() < 0.4:
                return self.aspect_sentences(domain, label, 1, ctx)[0]
            c = self.clause(domain, label, ctx)
            v = self.verdict_clause(domain, label, ctx)
            return fill(r.choice(ONE_LINERS), {"c": c, "v": v})
        sents: list[str] = []
        n_aspects = n - 1
        if n >= 3 and r.random() < 0.7:
            sents.append(self.opener(domain, ctx))
            n_aspects -= 1
        if n >= 5 and r.random() < 0.6:
            sents.append(self.detail(domain, ctx))
            n_aspects -= 1
        n_aspects = max(1, n_aspects)
        pair_p = 0.5 if n >= 4 else 0.3
        sents.extend(self.aspect_sentences(domain, label, n_aspects, ctx, pair_p))
        if r.random() < 0.85:
            sents.append(self.verdict_sentence(domain, label, ctx))
        elif n == 2 and len(sents) == 1:
            sents.insert(0, self.opener(domain, ctx))
        return " ".join(sents)

    # -- hard reviews -----------------------------------------------------
    def hard(self, domain: str, label: str) -> str:
        r = self.rng
        if label == "positive":
            kinds = ["negation", "mixed", "although", "rhetorical"]
            weights = [28, 36, 22, 14]
        else:
            kinds = ["negation", "mixed", "although", "sarcasm", "faint", "rhetorical"]
            weights = [20, 25, 15, 15, 12, 13]
        kind = r.choices(kinds, weights=weights)[0]
        return getattr(self, "hard_" + kind)(domain, label)

    def _frame(self, domain, label, core: list[str], ctx,
               opener_ok=True, verdict_ok=False) -> str:
        """Optionally add an opener before / a consistent verdict after."""
        r = self.rng
        sents = list(core)
        if opener_ok and r.random() < 0.4:
            sents.insert(0, self.opener(domain, ctx))
        if verdict_ok and r.random() < 0.25:
            sents.append(self.verdict_sentence(domain, label, ctx))
        return " ".join(sents)

    def hard_negation(self, domain, label) -> str:
        ctx = self.ctx(domain)
        pool = NEGATION_POS if label == "positive" else NEGATION_NEG
        core = fill(self.pick(pool), ctx)
        return self._frame(domain, label, [core], ctx, verdict_ok=True)

    def hard_mixed(self, domain, label) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        other = "negative" if label == "positive" else "positive"
        o1 = self.clause(domain, other, ctx)
        o2 = self.clause(domain, other, ctx)
        p = self.clause(domain, label, ctx)
        v = self.verdict_clause(domain, label, ctx)
        if r.random() < 0.3:
            # longer form: opener, opposite aspects, turn, own aspect, verdict
            sents = []
            if r.random() < 0.7:
                sents.append(self.opener(domain, ctx))
            sents.append(fill(self.pick(WRAP_FIRST), {"c": o1}))
            sents.append(fill(self.pick(WRAP_NEXT[other]), {"c": o2}))
            turn = r.choice(["But", "However,", "Still,", "That said,", "Even so,"])
            sents.append(f"{turn} {p}.")
            sents.append(self.verdict_sentence(domain, label, ctx))
            return " ".join(sents)
        t = r.choice(MIXED_ALTERNATIVES).replace("{TURN}", r.choice(TURN))
        text = fill(t, {"o1": o1, "o2": o2, "p": p, "v": v})
        return self._frame(domain, label, [text], ctx)

    def hard_although(self, domain, label) -> str:
        ctx = self.ctx(domain)
        other = "negative" if label == "positive" else "positive"
        o1 = self.clause(domain, other, ctx)
        p = self.clause(domain, label, ctx)
        v = self.verdict_clause(domain, label, ctx)
        text = fill(self.rng.choice(ALTHOUGH), {"o1": o1, "p": p, "v": v})
        return self._frame(domain, label, [text], ctx)

    def hard_sarcasm(self, domain, label) -> str:
        ctx = self.ctx(domain)
        m = MATERIAL[domain]
        e = self.rng.choice(m["sarcasm"])
        text = fill(self.rng.choice(SARCASM), {"e": e, "q": m["quality"]})
        # Product/app sarcasm names its own kind of item, so no opener there.
        return self._frame(domain, label, [text], ctx,
                           opener_ok=domain not in ("products", "apps"))

    def hard_faint(self, domain, label) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        m = MATERIAL[domain]
        if r.random() < 0.5:
            core = r.choice(m["faint"])
        else:
            core = fill(r.choice(FAINT_NP_TEMPLATES), dict(ctx, f=r.choice(m["faint_np"])))
        closer = r.choice(FAINT_CLOSERS)
        return self._frame(domain, label, [core, closer], ctx)

    def hard_rhetorical(self, domain, label) -> str:
        r = self.rng
        ctx = self.ctx(domain)
        m = MATERIAL[domain]
        q = fill(self.pick(m["rq_pos" if label == "positive" else "rq_neg"]), ctx)
        core = [q]
        if r.random() < 0.35:
            core.append(self.aspect_sentences(domain, label, 1, ctx)[0])
        return self._frame(domain, label, core, ctx)


def build_rows() -> list[dict]:
    rng = random.Random(SEED)
    comp = Composer(rng)

    seen: set[str] = set()
    rows: list[dict] = []
    for domain, label, hard, text in HAND_WRITTEN:
        if text in seen:
            raise ValueError(f"duplicate hand-written review: {text!r}")
        seen.add(text)
        rows.append({"text": text, "label": label, "domain": domain,
                     "hard": hard, "source": "hand"})

    for domain in DOMAINS:
        for label in LABELS:
            group = [x for x in rows if x["domain"] == domain and x["label"] == label]
            n_hard_target = round(HARD_SHARE * ROWS_PER_GROUP)
            n_hard = max(0, n_hard_target - sum(x["hard"] for x in group))
            n_easy = ROWS_PER_GROUP - len(group) - n_hard
            for want_hard, count in ((True, n_hard), (False, n_easy)):
                made, attempts = 0, 0
                while made < count:
                    attempts += 1
                    if attempts > 200 * count + 1000:
                        raise RuntimeError(f"ran out of variety for {domain}/{label}")
                    text = comp.hard(domain, label) if want_hard else comp.easy(domain, label)
                    if text in seen:
                        continue
                    seen.add(text)
                    rows.append({"text": text, "label": label, "domain": domain,
                                 "hard": want_hard, "source": "composed"})
                    made += 1
    return rows


def split_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED + 1)
    train, test = [], []
    for domain in DOMAINS:
        for label in LABELS:
            group = [x for x in rows if x["domain"] == domain and x["label"] == label]
            n_test = round(TEST_SHARE * len(group))
            hh = [x for x in group if x["source"] == "hand" and x["hard"]]
            ch = [x for x in group if x["source"] == "composed" and x["hard"]]
            easy = [x for x in group if not x["hard"]]
            for bucket in (hh, ch, easy):
                rng.shuffle(bucket)
            k_hh = round(TEST_SHARE_HAND_HARD * len(hh))
            k_ch = round(TEST_SHARE_COMPOSED_HARD * len(ch))
            k_easy = n_test - k_hh - k_ch
            test += hh[:k_hh] + ch[:k_ch] + easy[:k_easy]
            train += hh[k_hh:] + ch[k_ch:] + easy[k_easy:]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["text", "label", "domain"])
    for x in rows:
        w.writerow([x["text"], x["label"], x["domain"]])
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Stats, checks and the naive keyword baseline
# ---------------------------------------------------------------------------
# A deliberately naive lexicon: obvious sentiment words, plus negators counted
# as negative cues. Ties count as positive.
POS_WORDS = {
    "good", "great", "excellent", "amazing", "love", "loved", "lovely",
    "wonderful", "best", "perfect", "perfectly", "fantastic", "enjoyed",
    "brilliant", "recommend", "nice", "happy", "happily", "beautiful", "worth",
    "favourite", "delicious", "fresh", "friendly", "clean", "comfortable",
    "stunning", "superb", "funny", "clever", "easy", "gem",
}
NEG_WORDS = {
    "bad", "terrible", "awful", "worst", "hate", "hated", "poor", "boring",
    "horrible", "waste", "disappointing", "disappointed", "broken", "broke",
    "rude", "avoid", "worse", "cheap", "dull", "slow", "dirty", "noisy",
    "bland", "cold", "crashes", "regret", "sadly", "unfortunately", "useless",
    "overpriced", "stale", "wrong", "mess", "refund", "annoyed",
    "not", "no", "never", "nothing", "don't", "didn't", "won't", "can't",
    "wouldn't", "isn't", "wasn't",
}


def keyword_predict(text: str) -> str:
    words = [w.strip(".,!?;:\"'()").lower() for w in text.split()]
    score = sum(w in POS_WORDS for w in words) - sum(w in NEG_WORDS for w in words)
    return "positive" if score >= 0 else "negative"


def keyword_accuracy(rows) -> float:
    return sum(keyword_predict(x["text"]) == x["label"] for x in rows) / len(rows)


def word_stats(rows):
    lens = sorted(len(x["text"].split()) for x in rows)
    return lens[0], statistics.median(lens), lens[-1]


def count(rows, key, value):
    return sum(1 for x in rows if x[key] == value)


def report(train, test) -> str:
    lines = []
    for name, rows in (("train", train), ("test", test)):
        lines.append(f"{name}: {len(rows)} rows")
        lines.append("  labels : " + ", ".join(f"{l}={count(rows, 'label', l)}" for l in LABELS))
        lines.append("  domains: " + ", ".join(f"{d}={count(rows, 'domain', d)}" for d in DOMAINS))
        for d in DOMAINS:
            sub = [x for x in rows if x["domain"] == d]
            lines.append(f"    {d:<12}" + "  ".join(f"{l}={count(sub, 'label', l)}" for l in LABELS))
        mn, med, mx = word_stats(rows)
        lines.append(f"  words  : min={mn} median={med:g} max={mx}")
        hard = sum(x["hard"] for x in rows)
        lines.append(f"  hard cases: {hard} ({hard / len(rows):.1%})")
        lines.append(f"  keyword baseline accuracy: {keyword_accuracy(rows):.1%}")
    both = train + test
    lens = [len(x["text"].split()) for x in both]
    buckets = [(1, 6), (7, 15), (16, 30), (31, 59), (60, 120), (121, 10_000)]
    lines.append("all: " + ", ".join(
        f"{a}-{b if b < 10_000 else '+'} words={sum(a <= n <= b for n in lens)}" for a, b in buckets))
    overlap = {x["text"] for x in train} & {x["text"] for x in test}
    lines.append(f"overlap between splits: {len(overlap)}")
    lines.append(f"exact duplicate texts: {len(both) - len({x['text'] for x in both})}")
    return "\n".join(lines)


def readme(train, test) -> str:
    both = train + test
    hard_all = sum(x["hard"] for x in both)
    hand = sum(x["source"] == "hand" for x in both)

    def pct(rows, label):
        return f"{count(rows, 'label', label)} ({count(rows, 'label', label) / len(rows):.0%})"

    def split_line(name, rows):
        mn, med, mx = word_stats(rows)
        h = sum(x["hard"] for x in rows)
        return (f"| {name} | {len(rows)} | {pct(rows, 'negative')} | {pct(rows, 'positive')} | "
                f"{h} ({h / len(rows):.0%}) | {mn} / {med:g} / {mx} |")

    all_lens = [len(x["text"].split()) for x in both]
    buckets = [(3, 6), (7, 15), (16, 30), (31, 59), (60, 120)]
    length_line = ", ".join(
        f"{a}-{b} words: {sum(a <= n <= b for n in all_lens)}" for a, b in buckets)
    domain_rows = "\n".join(
        f"| {d} | {count([x for x in train if x['domain'] == d], 'label', 'negative')} / "
        f"{count([x for x in train if x['domain'] == d], 'label', 'positive')} | "
        f"{count([x for x in test if x['domain'] == d], 'label', 'negative')} / "
        f"{count([x for x in test if x['domain'] == d], 'label', 'positive')} |"
        for d in DOMAINS)
    return f"""# Fine-tune Studio review sample (English sentiment)

A small, labelled English sentiment dataset that ships with Fine-tune Studio so
that every fine-tuning demo works offline, without downloading anything.

## What it is

Short customer-style reviews in five domains (films, restaurants, products,
apps, hotels), each labelled `negative` or `positive`.

- `train.csv`: {len(train)} rows
- `test.csv`: {len(test)} rows

Both files are UTF-8, comma-separated with a header row and standard CSV
quoting (texts contain commas and quotes, so always read them with a CSV
parser such as `csv`, `pandas.read_csv` or `datasets.load_dataset("csv", ...)`).

| column | type | values |
|---|---|---|
| `text` | string | the review, {min(all_lens)} to {max(all_lens)} words |
| `label` | string | `negative` or `positive` |
| `domain` | string | `films`, `restaurants`, `products`, `apps`, `hotels` |

## Splits

| split | rows | negative | positive | hard cases | words min / median / max |
|---|---|---|---|---|---|
{split_line("train", train)}
{split_line("test", test)}

Length spread over both splits: {length_line}.

Per domain (negative / positive):

| domain | train | test |
|---|---|---|
{domain_rows}

## How it was made

The data is **synthetic** and was written for this project by the Fine-tune
Studio team. It contains **no real user data**: every name of a film,
restaurant, product, app or hotel is invented or generic (any resemblance to
a real business or title is coincidental).

- {hand} rows are hand-written complete reviews, used verbatim.
- The other {len(both) - hand} rows are composed by `scripts/make_sample.py` from
  hand-written material: per domain, invented subjects (film titles, dishes,
  product types, app names, hotel features), opinion clauses for each polarity,
  verdicts, neutral context sentences, sentence templates and connectors.
  Compositions range from 3-word lines to 5-sentence paragraphs.
- Exact duplicates are removed, no text appears in both splits, and each
  (domain, label) pair has the same number of rows. The split is stratified
  by domain and label (about 80/20) and shuffled with a fixed seed.

Regenerate (deterministic, standard library only):

```bash
python scripts/make_sample.py          # rewrites train.csv, test.csv, README.md
python scripts/make_sample.py --check  # verifies the committed files match
```

## Hard cases

About {hard_all / len(both):.0%} of all rows ({hard_all}) are deliberately hard:
negation ("Not bad at all."), mixed feelings where the final verdict decides
the label ("The room was tiny and the street was loud, but the staff made it
worth every penny." is `positive`), sarcasm ("Oh great, another update that
deletes my photos. Just what I needed." is `negative`), faint praise,
"although/but" contrast and rhetorical questions. Hand-written hard cases are
over-represented in the test split, so test is a little harder than train.

As a sanity check, a naive keyword counter (about 30 obvious positive words
against about 45 negative words and negators such as "not" and "never"; ties
count as positive; see `POS_WORDS`/`NEG_WORDS` in the script) scores
**{keyword_accuracy(test):.1%}** on test ({keyword_accuracy(train):.1%} on train).
A fine-tuned model should beat it clearly, but is not expected to reach 100%.

## Intended use

Offline demos and tutorials of fine-tuning small pretrained text classifiers
(for example in Fine-tune Studio): quick training runs, before/after
comparisons, and looking at which hard cases a model still gets wrong.

## Limitations

- Synthetic and template-based: sentence patterns repeat, so scores on this
  test set overstate how a model would do on real reviews. Do not use it to
  benchmark models or to claim real-world accuracy.
- Small (about 1,400 rows), English only, British spelling, binary labels.
  There are no neutral reviews, although some faint-praise rows come close.
- Written by a small team: the vocabulary, topics and style reflect their
  choices, not the variety of real customers.
- Labels were assigned by the authors by design, not by annotators; a few
  hard cases may read as ambiguous to some people.

## License

CC0 1.0 Universal (public domain dedication). No attribution required.
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; fail if the committed files differ")
    args = ap.parse_args(argv)

    rows = build_rows()
    train, test = split_rows(rows)
    outputs = {
        OUT_DIR / "train.csv": to_csv(train),
        OUT_DIR / "test.csv": to_csv(test),
        OUT_DIR / "README.md": readme(train, test),
    }
    if args.check:
        stale = [p for p, s in outputs.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != s]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}", file=sys.stderr)
        if not stale:
            print("data/reviews is up to date")
        return 1 if stale else 0

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, content in outputs.items():
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(content)
        print(f"wrote {path.relative_to(ROOT)}")
    print(report(train, test))
    return 0


if __name__ == "__main__":
    sys.exit(main())
