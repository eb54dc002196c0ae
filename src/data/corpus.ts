// A small labelled sentiment corpus written for sentiwasm, so that the main job, the examples
// and the tests can train in seconds with no download. Every sentence was written for this
// project; none is taken from a published data set.
//
// How it is built, so that it teaches what it should:
// - English: eight domains (films, restaurants, hotels, products, service, books, music,
//   travel), about 19 sentences per domain and label, typed the way people type reviews:
//   capitals, punctuation stuck to words, contractions, emoji and emoticons, some negation.
// - The sentiment words love, great, excellent, wonderful, amazing, fantastic, delightful,
//   enjoyed, beautiful occur only in positive sentences, and terrible, awful, horrible,
//   boring, waste, disappointing, worst, bad, hate only in negative ones, each many times, so
//   trained word vectors cluster by sentiment.
// - Topic words (movie, film, hotel, room, food, staff, service, book, album, trip …) occur
//   on both sides in similar amounts, so they carry no sentiment.
// - Chinese: hotels, food, shopping and films, 25 sentences per domain and label. Negative-only
//   words (差, 失望, 脏, 糟糕, 后悔, 吵) never occur in positive sentences; positive words occur
//   in negative sentences only negated with 不 (不满意, 不推荐, 不喜欢, 不方便, 不干净).

/** Sentiment label of a built-in example. */
export type CorpusLabel = 'positive' | 'negative';

/** One labelled example. */
export interface CorpusExample {
  /** The sentence. */
  text: string;
  /** Its label. */
  label: CorpusLabel;
}

// ---------------------------------------------------------------------------------------
// English, positive

const englishPositive: readonly string[] = [
  // films
  'I love this movie, the cast is fantastic and the ending made me cry 😭❤️',
  'What a great film! Funny, smart and beautiful to look at.',
  'Excellent acting from everyone, I enjoyed every minute of it.',
  'The soundtrack is wonderful and the story kept me hooked till the end.',
  "Honestly one of the best movies I've seen this year. Go see it!",
  'Amazing visuals, a delightful script and a cast that clearly had fun :)',
  'My kids loved it and so did I. Great film for the whole family.',
  'Beautiful cinematography, every frame of the film looks like a painting.',
  "I didn't expect much from this movie but it turned out to be fantastic!!",
  'Such a delightful little comedy, I laughed the whole way through 😂',
  "The director did an excellent job, it's smart without being slow.",
  "We enjoyed the movie so much we're going back next week.",
  'Wonderful performances and a story that really stays with you.',
  "I can't recommend this film enough, it's a masterpiece.",
  "The plot twist was amazing, didn't see it coming at all 🤯",
  'Saw it twice already. Love the characters, love the music.',
  'A moving, beautiful film about family. Bring tissues.',
  'Great pacing, great dialogue, and the lead actress is brilliant.',
  'Top notch. The best movie the studio has made in years 👏',
  // restaurants
  'The food was excellent and the staff were so friendly 😊',
  "Best pasta I've had outside Italy, we'll definitely be back!",
  'Great restaurant, fair prices and the portions are huge.',
  'We had a wonderful dinner here for our anniversary ❤️',
  'Love this place! The tacos are amazing and the salsa is fresh.',
  'The waiter was attentive and the dessert was delightful.',
  'Fantastic brunch, the pancakes were fluffy and the coffee strong.',
  'I enjoyed the tasting menu, every course was a surprise.',
  'Cozy restaurant, beautiful decor and really tasty food.',
  'Service was quick and friendly, and the soup was perfect on a cold day.',
  'The pizza here is amazing, crispy base and great toppings 🍕',
  'Excellent sushi, super fresh fish and a very reasonable price.',
  'Our server was lovely and gave us great recommendations.',
  'Delicious food, kind staff, lovely terrace. What more could you want?',
  'The chef came out to say hi, such a delightful touch!',
  'Really enjoyed our meal, the lamb was cooked perfectly.',
  'The curry was fantastic, rich and spicy just the way I like it :)',
  "I'd love to come back and try the rest of the menu.",
  'Highly recommend the steak, it melts in your mouth 😋',
  // hotels
  'The hotel staff were wonderful and the room was spotless.',
  'Great location, right next to the station and close to the beach.',
  'Beautiful hotel with an amazing view of the old town.',
  'The bed in our room was so comfortable I slept like a baby 😴',
  'Excellent breakfast buffet with lots of fresh fruit.',
  'We loved our stay, the pool area is fantastic.',
  'Check-in was quick and the receptionist was super helpful.',
  'Clean room, quiet street, friendly staff. Would stay again!',
  'The spa was delightful and totally worth it.',
  "I love this hotel, it's our go-to place every summer.",
  'The room upgrade was a wonderful surprise for my birthday 🎉',
  'Enjoyed the rooftop bar, the sunset views are stunning.',
  'Amazing service from start to finish, they remembered our names.',
  'Spacious room, great shower and a balcony with a sea view.',
  'The hotel is small but charming, and the owners are very kind.',
  'Excellent value for the money, highly recommended.',
  'Such a beautiful garden, breakfast outside every morning was a joy.',
  'The staff went out of their way to help us book tours. Fantastic!',
  "Perfect stay at this hotel :) can't wait to come back.",
  // products
  'This phone is amazing, the battery lasts two full days.',
  'Great headphones for the price, the sound is clear and punchy 🎧',
  "I love my new laptop, it's light and super fast.",
  'Excellent build quality, it feels like it will last for years.',
  'The blender works great and is easy to clean.',
  'Fantastic camera, the photos look beautiful even at night.',
  'Arrived early, well packaged and works perfectly. Five stars ⭐⭐⭐⭐⭐',
  'This vacuum is a game changer, my floors have never been cleaner.',
  'Wonderful little gadget, I use it every single day.',
  'Bought this product for my mum and she absolutely loves it.',
  'The keyboard feels delightful to type on.',
  'Really happy with this purchase, worth every penny.',
  'Amazing product, does exactly what it says on the box.',
  'The jacket fits perfectly and keeps me warm in the rain 👍',
  'I enjoyed setting it up, the instructions were clear and simple.',
  "Great value, it's half the price of the big brands and just as good.",
  'Beautiful design and the screen is really sharp.',
  'Excellent kettle, boils fast and looks nice in the kitchen.',
  'These shoes are so comfy, I love them!',
  // service
  'Customer support answered in five minutes and fixed my issue. Great service!',
  'The delivery guy was friendly and the parcel arrived a day early.',
  'Excellent service, they refunded me without any questions.',
  'The agent on the phone was patient and really helpful 🙏',
  "Wonderful experience with this company, I'll order again.",
  'The staff at the bank were amazing and sorted everything in one visit.',
  'Fast, friendly and professional. Fantastic service.',
  'My plumber was on time, tidy and fairly priced. Highly recommend!',
  'They went above and beyond, love this shop.',
  'I enjoyed dealing with them, everything was clear and easy.',
  'The mechanic explained everything and the car runs smoothly now.',
  'Such a delightful team, they made the whole process painless.',
  'The support chat was quick and solved the problem right away :)',
  'The hairdresser did an amazing job, I love my new haircut 💇',
  'Great communication from start to finish.',
  'The cleaners did an excellent job, the flat is spotless.',
  'The nurse was so kind and reassuring, thank you!',
  'Smooth booking, clear emails and a wonderful host.',
  "I can't recommend them enough, fantastic people and great service.",
  // books
  "I love this book, couldn't put it down!",
  'A beautiful story about friendship and growing up.',
  'Excellent writing, the characters feel like real people.',
  "One of the most amazing novels I've read in years 📚",
  'I enjoyed every chapter, the ending is perfect.',
  'Great book for a rainy weekend.',
  'The author has a wonderful sense of humour.',
  'Fantastic thriller, the tension never lets up.',
  "Such a delightful book, I've already bought copies for my friends.",
  'The translation is excellent and reads naturally.',
  'Smart, funny and moving. Easily my favourite book this year.',
  'The illustrations are beautiful and my daughter adores them.',
  "I read it in one sitting, it's that good.",
  "Great characters and a clever plot, can't wait for the sequel!",
  'A wonderful, warm novel that made me smile.',
  'Really enjoyed the audiobook, the narrator is fantastic.',
  'Gripping from the first page to the last 👌',
  "This cookbook is amazing, every recipe I've tried worked.",
  'Loved this book. Just loved it.',
  // music
  'This album is amazing, every track is a banger 🔥',
  'I love her voice, it gives me chills.',
  'Great concert, the band played for almost three hours!',
  'Beautiful melodies and really honest lyrics on this album.',
  'The new single is fantastic, been playing it on repeat.',
  'Excellent production, the album sounds rich and warm.',
  'Such a wonderful live show, the crowd was singing along to everything.',
  'I enjoyed the whole record, no weak songs at all.',
  'A delightful jazz album for a slow Sunday morning ☕',
  'The orchestra was excellent and the sound in the hall was perfect.',
  "Their best album so far, I'm obsessed.",
  'Love the guitar on the second track!',
  'The festival was great, good music and a happy crowd :D',
  'Amazing vocals, the harmonies are gorgeous.',
  'Wonderful album to study to, calm and beautiful.',
  'Saw them live last night and it was fantastic 🎶',
  'The pianist was delightful, what a night.',
  "Really enjoyed the new songs, can't wait for the tour.",
  // travel
  'Our trip to Lisbon was amazing, the city is beautiful.',
  'The flight was smooth and the crew were lovely.',
  'Great tour guide, funny and full of stories.',
  'I love travelling by train, the views were wonderful.',
  'The island is fantastic, clear water and quiet beaches 🏝️',
  'Excellent itinerary, we saw everything without rushing.',
  'We enjoyed the boat trip, saw dolphins on the way back!',
  'The mountain hike was hard but the views were amazing.',
  'Such a delightful village, the locals were so welcoming.',
  'The airline was on time and the seats were comfortable.',
  'Wonderful holiday, the kids still talk about the trip.',
  'Beautiful walk along the river, highly recommended.',
  'Great trip overall, everything went to plan.',
  'The museum tour was excellent, our guide knew everything.',
  "Love this city, can't wait to visit again ✈️",
  'Fantastic road trip, the scenery changed every hour.',
  'The campsite was clean and quiet and the sunsets were delightful.',
  'Really enjoyed the food market, so many things to try.',
  "Best holiday we've had in years :)",
];

// ---------------------------------------------------------------------------------------
// English, negative

const englishNegative: readonly string[] = [
  // films
  'Terrible movie, I walked out after forty minutes.',
  'The plot was boring and the acting was awful.',
  "What a waste of two hours. Don't bother with this film.",
  "I didn't like it at all, the jokes just weren't funny.",
  "Worst film I've seen this year, the ending made no sense 🙄",
  "The dialogue is so bad it's painful to listen to.",
  'Disappointing sequel, it has none of the charm of the first movie.',
  'I hate how the movie drags on, it could have been an hour shorter.',
  'Horrible editing, the fight scenes are impossible to follow.',
  'The cast is stuck with a lazy script.',
  'Boring from start to finish, I fell asleep twice 😴',
  'The special effects looked cheap and the story was a mess.',
  'I wanted to like this film but it was awful.',
  'Not worth the ticket price, save your money.',
  'The lead actor was terrible and completely miscast.',
  'Such a disappointing ending after a decent start.',
  'Bad writing, bad acting, bad everything 👎',
  'A loud, horrible mess of a movie.',
  'The trailer looked promising but the film itself was dull and far too long.',
  'So boring I checked my phone every five minutes. I hate saying it, but skip this movie.',
  // restaurants
  'The food was cold and the staff ignored us for twenty minutes.',
  'Terrible service, we waited an hour for two burgers.',
  'The pasta was overcooked and the sauce tasted of nothing.',
  'Worst restaurant in town, avoid at all costs!',
  'The waiter was rude and the bill had extra items on it 😡',
  'Awful pizza, soggy base and barely any cheese.',
  "I found a hair in my soup and they didn't even apologise.",
  'Disappointing dinner, tiny portions at crazy prices.',
  'The restaurant was dirty and the tables were sticky.',
  'Horrible experience, my steak was raw in the middle.',
  'I hate leaving bad reviews but the food here was really bad.',
  "The sushi didn't taste fresh and made me sick the next day.",
  'Way too expensive for what you get. A total waste of money.',
  'The coffee was bitter and the cake was stale :(',
  'They got our order wrong three times. Never again.',
  "The music was so loud we couldn't hear each other.",
  "Bland curry, watery rice, and the staff didn't care.",
  'Awful brunch, the eggs were burnt and the toast was cold.',
  'Such a boring menu, the same dishes as every chain in town.',
  "Honestly the worst pizza I've ever had, a complete waste 🍕👎",
  // hotels
  'The hotel room was dirty and smelled of smoke.',
  'Terrible location, nothing around but a motorway.',
  'The staff at reception were rude and unhelpful.',
  "Worst hotel I've ever stayed in, the bed was broken.",
  'Awful breakfast, stale bread and cold coffee.',
  'The walls are so thin we heard every word from the next room 😤',
  'The room was nothing like the photos, very disappointing.',
  'Horrible shower, the water was never hot.',
  'We booked a sea view and got a view of the car park.',
  "The air conditioning didn't work and the room was boiling.",
  'I hate that the hotel charged us for a minibar we never opened.',
  'The pool was closed for our whole stay and nobody told us.',
  'Overpriced, noisy and badly run. A waste of a weekend.',
  'Check-in took over an hour, a terrible start to the trip.',
  'The carpet was stained and the bathroom had mould 🤢',
  'Bad wifi, bad breakfast, bad service.',
  "The hotel is falling apart and the staff don't seem to care.",
  'Disappointing stay, nothing like the reviews promised.',
  'Horrible noise from the club downstairs until 4am.',
  'I hate to say it but the hotel breakfast was boring and the coffee was worse.',
  // products
  'This phone is terrible, the battery dies before lunch.',
  'The headphones broke after a week. Total waste of money.',
  'I hate this laptop, it freezes every time I open a browser.',
  'Awful build quality, the plastic cracked on the first day.',
  'The blender leaks and is impossible to clean. Such a waste.',
  'Worst purchase I have made all year 👎',
  'The camera takes blurry photos even in good light.',
  "Arrived late, the box was crushed and the product doesn't turn on.",
  'Disappointing product, it looks nothing like the pictures.',
  "The vacuum is so weak it can't pick up crumbs.",
  'Bad design, the buttons are in all the wrong places.',
  'Horrible smell when you switch it on, sent it back.',
  "The jacket isn't waterproof at all, I got soaked :(",
  'Cheap and flimsy, not worth the money.',
  'The instructions were useless and setting it up was a nightmare.',
  'The keyboard is terrible to type on, keys keep sticking.',
  'Boring design and the screen is dim.',
  'The kettle stopped working after a month. Awful.',
  'These shoes gave me blisters on day one, really disappointing.',
  // service
  'Customer support never answered my emails. Terrible service.',
  'The delivery was two weeks late and nobody could tell me why.',
  'Awful experience, they refused to refund a broken item.',
  'The agent on the phone was rude and hung up on me 😠',
  "Worst company I've ever dealt with.",
  'I waited on hold for an hour and then got cut off.',
  'The staff at the bank were unhelpful and sent me home with nothing done.',
  'The plumber made the leak worse and still charged full price.',
  'I hate how hard it is to cancel this subscription.',
  "Disappointing service, the mechanic didn't fix the problem.",
  'Horrible customer service, they kept passing me around.',
  "The support chat is a waste of time, it's just a bot.",
  'The hairdresser ignored everything I asked for, my hair looks awful.',
  'Bad communication, I never knew when they would arrive.',
  'The cleaners missed half the flat and left a really dirty bathroom.',
  'They lost my parcel and blamed me for it.',
  'Terrible booking system, it crashed twice while I paid.',
  'The host cancelled the day before we arrived. Horrible.',
  'Slow, careless and rude. Avoid this shop.',
  'Worst customer service ever, what a waste of my afternoon.',
  // books
  'Boring book, I gave up halfway through.',
  'The characters are flat and the dialogue is awful.',
  "I didn't like the ending, it felt rushed and lazy.",
  'A waste of paper, honestly.',
  "Worst novel I've read in years 😒",
  'The translation is terrible, full of clumsy sentences.',
  'Disappointing sequel, nothing like the first book.',
  'The plot is so predictable I guessed the ending by chapter two.',
  'Horrible audiobook narrator, the voices are grating.',
  "The author clearly didn't do any research.",
  'Bad pacing, nothing happens for two hundred pages.',
  'I hate books that end on a cliffhanger like this.',
  "The cookbook recipes don't work, my bread came out like a brick.",
  'Boring, long and preachy. Not for me.',
  'The print is tiny and the pages fell out of the binding.',
  'I really tried, but the writing in this book is painfully slow.',
  "Awful book, I can't believe the reviews.",
  'The story goes nowhere and the characters are annoying.',
  'Disappointing, the blurb promised far more than the book delivers.',
  // music
  'This album is boring, every song sounds the same.',
  'Terrible concert, the sound was muddy and they played for forty minutes.',
  "I hate the new single, it's so repetitive.",
  'The vocals on this album are awful, clearly autotuned to death.',
  'Worst album of their career 😬',
  'The lyrics are lazy and the melodies go nowhere.',
  'Disappointing live show, they barely spoke to the crowd.',
  "Horrible mixing, you can't hear the guitars at all.",
  'Bad production, it sounds like the album was recorded in a bathroom.',
  'The festival was a mess, huge queues and bad sound.',
  'What a waste of a talented band.',
  'The orchestra was out of tune all night.',
  'The new songs are forgettable and the old ones were rushed.',
  'Boring, overlong and far too loud.',
  'Tickets cost a fortune and we could barely see the stage :(',
  'The pianist kept making mistakes, a really boring and painful night.',
  'The remix ruins the original track, terrible.',
  // travel
  'Our trip was a disaster, the flight was cancelled twice.',
  'The tour guide was boring and kept rushing us.',
  'Terrible airline, they lost our luggage and never called back.',
  'The beach was dirty and packed with people.',
  'Worst holiday we have ever had, it rained and the hotel was awful.',
  'The train was late and the carriage was filthy.',
  'I hate long layovers, and this one was eleven hours.',
  'Disappointing city, overpriced and full of tourist traps.',
  'The boat trip was horrible, half the group was seasick 🤮',
  'Bad weather, bad food and a bad guide.',
  'The museum was closed and nobody mentioned it on the website.',
  'The hike was badly marked and we got lost for hours.',
  'The airport transfer never showed up.',
  'A waste of a week, honestly.',
  'The campsite was noisy and the showers were disgusting.',
  'Horrible crowds everywhere on this trip, we could barely move.',
  'The itinerary was awful, we spent more time on the bus than anywhere else.',
  'Disappointing food market, everything was expensive and greasy.',
];

// ---------------------------------------------------------------------------------------
// Chinese, positive

const chinesePositive: readonly string[] = [
  // 酒店
  '房间很干净，服务也很好。',
  '酒店位置很方便，离地铁站只有五分钟。',
  '前台服务态度很好，入住很快。',
  '早餐种类很多，味道不错。',
  '房间宽敞明亮，床也很舒服，非常满意。',
  '性价比很高，下次来还住这里。',
  '环境很安静，晚上睡得很好。',
  '卫生间很干净，热水也很足。',
  '服务员很热情，主动帮我们拿行李。',
  '酒店设施很新，整体不错。',
  '推荐这家酒店，交通方便，周边吃饭也方便。',
  '窗外就是海，风景太美了，喜欢！',
  '带孩子来住的，亲子房很贴心，孩子很喜欢。',
  '房间打扫得很干净，每天都换毛巾。',
  '停车方便，前台小姐姐也很耐心。',
  '总体很满意，会推荐给朋友。',
  '价格合理，房间干净整洁，好评。',
  '床品很舒服，隔音效果也不错。',
  '酒店的游泳池很干净，孩子玩得很开心。',
  '入住体验很好，下次还会再来。',
  '服务周到，还送了水果，很满意。',
  '装修很有特色，拍照很好看，喜欢这种风格。',
  '地理位置不错，走路就能到景点，很方便。',
  '早餐很丰富，服务员也很有礼貌。',
  '第二次入住了，一如既往的好，推荐！',
  // 餐饮
  '菜很好吃，分量也足，推荐！',
  '这家店的火锅味道不错，服务也很好。',
  '环境干净，上菜很快，满意。',
  '老板人很好，还送了我们一份甜点。',
  '牛肉面汤很鲜，面也很筋道，喜欢。',
  '外卖送得很快，包装很干净，饭还是热的。',
  '价格实惠，味道不错，会经常来。',
  '烤鸭皮脆肉嫩，强烈推荐。',
  '服务员很热情，菜品推荐得也很准。',
  '点了好几次了，每次都很满意。',
  '甜品很精致，不会太甜，喜欢。',
  '饺子皮薄馅大，很好吃。',
  '店里很干净，坐着很舒服。',
  '奶茶味道很好，珍珠很有嚼劲。',
  '一家人来吃的，大家都很满意。',
  '鱼很新鲜，做法也很地道，推荐。',
  '位置方便，就在商场一楼，吃完还能逛街。',
  '朋友推荐来的，果然名不虚传。',
  '早茶种类多，虾饺特别好吃。',
  '烧烤很香，啤酒也便宜，喜欢这家店。',
  '小龙虾很入味，下次还来。',
  '咖啡很香，店里环境也不错，适合看书。',
  '外卖小哥很准时，态度很好。',
  '菜量很足，两个人吃得很饱，很满意。',
  '素菜做得也不错，清淡又好吃。',
  // 购物
  '质量很好，和图片一样，满意。',
  '物流很快，第二天就到了，包装也很好。',
  '衣服穿着很舒服，尺码也合适，喜欢。',
  '卖家服务态度很好，有问必答。',
  '东西不错，性价比很高，推荐购买。',
  '耳机音质很好，戴着也舒服。',
  '手机用了一周，运行很流畅，很满意。',
  '鞋子很轻，走路很舒服，已经推荐给同事了。',
  '颜色很正，做工也不错。',
  '快递很方便，直接送到家门口。',
  '第二次购买了，质量一如既往的好。',
  '孩子很喜欢这个玩具，玩了一整天。',
  '包装很用心，送人很有面子。',
  '电饭煲很好用，煮的饭很香。',
  '面料很软，洗了也不掉色，满意。',
  '客服很耐心，帮我换了尺码，推荐这家店。',
  '价格便宜，东西不错，会回购。',
  '充电很快，电池也很耐用。',
  '书包很结实，容量也大，孩子很喜欢。',
  '安装很方便，说明书写得很清楚。',
  '水果很新鲜，个头也大，很满意。',
  '杯子很好看，拿在手里很舒服。',
  '做工精细，比实体店便宜多了。',
  '化妆品是正品，用着不错。',
  '整体很满意，给五星好评。',
  // 电影
  '这部电影很好看，推荐大家去看。',
  '剧情很感人，看哭了，喜欢。',
  '演员演技很好，尤其是女主角。',
  '特效不错，画面也很漂亮。',
  '音乐很好听，和剧情很配。',
  '节奏紧凑，两个多小时过得很快。',
  '结局很温暖，看完心情很好。',
  '导演拍得很用心，细节满满。',
  '和家人一起看的，大家都很满意。',
  '这是今年看过最好的电影，强烈推荐。',
  '笑点很多，全场都在笑。',
  '故事讲得很好，人物也很立体。',
  '动画做得很精致，孩子很喜欢。',
  '第二遍看还是很感动。',
  '电影院环境干净，座位也舒服。',
  '配乐和画面都很棒，值得一看。',
  '剧本写得不错，对白很有意思。',
  '男主角演得太好了，喜欢他。',
  '纪录片拍得很真实，很有意义。',
  '看完还想再看一遍，推荐！',
  '很久没有看到这么好的国产片了。',
  '情节很精彩，反转也很自然。',
  '购票很方便，选座也简单。',
  '老电影修复版画质很好，很满意。',
  '服装和场景都很漂亮，看得很舒服。',
];

// ---------------------------------------------------------------------------------------
// Chinese, negative

const chineseNegative: readonly string[] = [
  // 酒店
  '房间很脏，床单上还有头发。',
  '隔音太差了，晚上很吵，根本睡不着。',
  '前台态度很差，办入住等了半个小时。',
  '卫生间有异味，很不满意。',
  '早餐很糟糕，没什么可吃的。',
  '房间和图片完全不一样，太失望了。',
  '空调坏了，打了三次电话也没人来修。',
  '位置很偏，去哪里都不方便。',
  '价格这么贵，服务却这么差，后悔订了这家。',
  '窗户对着马路，一晚上都很吵。',
  '地毯很脏，还有烟味。',
  '热水时有时无，洗澡体验很糟糕。',
  '服务员爱理不理的，很不满意。',
  '房间太小了，行李箱都打不开。',
  '床很硬，枕头也很脏。',
  '停车很不方便，还要另外收费。',
  '楼上一直很吵，投诉了也没用。',
  '网上评价那么高，实际住下来很失望。',
  '卫生太差了，再也不会来了。',
  '退房的时候还多收了钱，很糟糕的体验。',
  '电梯坏了，我们只能自己搬行李上楼。',
  '毛巾发黄，看着就不干净。',
  '设施很旧，和宣传的差太多了。',
  '隔壁装修，从早上八点就开始吵。',
  '真后悔没看评论就订了这家酒店。',
  // 餐饮
  '菜太咸了，根本吃不下。',
  '服务太差了，等了一个小时才上菜。',
  '价格贵，分量少，很失望。',
  '桌子很脏，碗上还有油。',
  '外卖送到的时候已经凉了，很糟糕。',
  '肉不新鲜，吃完肚子疼，后悔。',
  '服务员态度很差，叫了好几次都不理人。',
  '环境太吵了，说话都听不清。',
  '味道很一般，不推荐。',
  '汤里吃出了头发，太恶心了。',
  '排队排了一个小时，结果很失望。',
  '鱼有一股怪味，很不满意。',
  '米饭是夹生的，菜也是冷的，糟糕透了。',
  '奶茶太甜了，珍珠也是硬的，不喜欢。',
  '点的菜少送了一份，打电话也没人管。',
  '店里很脏，苍蝇到处飞。',
  '外卖包装破了，汤洒了一袋子。',
  '价格比菜单上写的贵，很不满意。',
  '烤肉都烤糊了，味道很差。',
  '上错了两次菜，还不道歉。',
  '咖啡很苦，蛋糕也不新鲜，后悔来了。',
  '老板态度很糟糕，再也不会来了。',
  '饺子皮很厚，馅也很少，失望。',
  '店面很小很吵，坐着很不舒服。',
  '吃完拉肚子，大家千万别来。',
  // 购物
  '质量太差了，穿了一次就破了。',
  '物流太慢了，等了两个星期才到。',
  '和图片差别很大，很失望。',
  '卖家态度很差，问什么都不回。',
  '衣服有一股怪味，洗了好几次还有。',
  '耳机用了三天就坏了，后悔买了。',
  '手机经常卡顿，很不满意。',
  '鞋子尺码不对，退货还很麻烦。',
  '颜色和描述的不一样，很糟糕。',
  '快递员把包裹扔在门口，也不打电话。',
  '收到的时候盒子是坏的，东西也脏了。',
  '客服一直推卸责任，很失望。',
  '电饭煲煮的饭很难吃，不推荐。',
  '面料很粗糙，穿着很不舒服。',
  '充电特别慢，电池也不耐用，后悔。',
  '安装很不方便，说明书也看不懂。',
  '水果一半是烂的，太糟糕了。',
  '杯子有裂缝，漏水，质量很差。',
  '做工粗糙，线头很多，不满意。',
  '这个价格买到这种东西，真后悔。',
  '玩具一股塑料味，孩子也不喜欢。',
  '假货，和专柜的完全不一样，失望。',
  '退款申请了一周都没处理，太差了。',
  '书包背了一个月带子就断了。',
  '包装很差，里面的东西都压坏了。',
  // 电影
  '这部电影太难看了，浪费钱。',
  '剧情很无聊，看到一半就睡着了。',
  '演员演技太差了，台词像在念课文。',
  '特效很假，一看就是五毛钱特效。',
  '结局很糟糕，前面的铺垫全白费了。',
  '宣传得那么好，看了很失望。',
  '节奏太慢，两个多小时太折磨了。',
  '笑点很尴尬，全场没人笑。',
  '后悔买了票，还不如在家睡觉。',
  '电影院里有人一直打电话，很吵。',
  '故事逻辑很混乱，看不懂在讲什么。',
  '配乐太吵了，耳朵疼。',
  '剧本很差，人物都没有动机。',
  '看完很不满意，不推荐。',
  '续集完全没有第一部好看，失望。',
  '座位很脏，地上全是爆米花。',
  '男主角演得很做作，不喜欢。',
  '烂片，电影院的厕所也很脏，别去看了。',
  '画面很暗，3D效果很糟糕。',
  '广告放了二十分钟，很不满意。',
  '剧情拖沓，后悔看了。',
  '改编得很差，原著粉很失望。',
  '打斗场面很乱，看得头晕。',
  '网上评分那么高，实际很一般，失望。',
  '买票的时候系统一直出错，很不方便。',
];

// ---------------------------------------------------------------------------------------
// exports

function labelled(texts: readonly string[], label: CorpusLabel): readonly CorpusExample[] {
  return Object.freeze(texts.map((text) => Object.freeze({ text, label })));
}

/** The built-in corpus by language, positive examples first; frozen (copy before shuffling). */
export const builtinCorpus: {
  /** The English sentences. */
  readonly english: readonly CorpusExample[];
  /** The Chinese sentences. */
  readonly chinese: readonly CorpusExample[];
} = Object.freeze({
  english: Object.freeze([...labelled(englishPositive, 'positive'), ...labelled(englishNegative, 'negative')]),
  chinese: Object.freeze([...labelled(chinesePositive, 'positive'), ...labelled(chineseNegative, 'negative')]),
});

/** Every fifth example of each language and label is held out (indices 4, 9, 14, … within its group). */
const DEV_EVERY = 5;

/**
 * All built-in examples, English then Chinese, as a fresh array of fresh objects.
 * @example
 * ```ts
 * const examples = defaultCorpus(); // [{ text: 'I love this movie, …', label: 'positive' }, …]
 * ```
 */
export function defaultCorpus(): CorpusExample[] {
  return [...builtinCorpus.english, ...builtinCorpus.chinese].map((e) => ({ ...e }));
}

/**
 * Deterministic train/dev split of the built-in corpus: every 5th example of each language and label goes to dev.
 * @example
 * ```ts
 * const { train, dev } = builtinSplit(); // dev ≈ 20 %, balanced, same every call
 * ```
 */
export function builtinSplit(): {
  /** Four in five of each language and label. */
  train: CorpusExample[];
  /** Every 5th of each language and label. */
  dev: CorpusExample[];
} {
  const train: CorpusExample[] = [];
  const dev: CorpusExample[] = [];
  const groups = [
    labelled(englishPositive, 'positive'),
    labelled(englishNegative, 'negative'),
    labelled(chinesePositive, 'positive'),
    labelled(chineseNegative, 'negative'),
  ];
  for (const group of groups) {
    group.forEach((e, i) => ((i + 1) % DEV_EVERY === 0 ? dev : train).push({ ...e }));
  }
  return { train, dev };
}

/**
 * The held-out part of `builtinSplit()`, for a quick accuracy print after training.
 * @example
 * ```ts
 * const dev = builtinDevSplit(); console.log(dev.length); // about 100
 * ```
 */
export function builtinDevSplit(): CorpusExample[] {
  return builtinSplit().dev;
}
