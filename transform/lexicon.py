"""Small word lists the text repairs rely on. Data, not logic: extend them here, in one place."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# CamelCase product and company names that look like two glued words but are one name.
PROTECTED_NAMES: frozenset[str] = frozenset(
    {
        "iPhone", "iPad", "iOS", "iCloud", "iMac", "macOS", "watchOS", "eBay",
        "DeepSeek", "ByteDance", "OpenAI", "MoE", "LiveBench", "LiveCodeBench", "YouTube", "WeChat",
        "TikTok", "PayPal", "MacBook", "HarmonyOS", "AliExpress", "JavaScript", "GitHub", "LinkedIn",
        "PowerPoint", "McDonald", "WhatsApp", "SoftBank", "BlackRock", "FedEx", "PlayStation",
        "HuggingFace", "MiniMax", "DingTalk", "AliPay", "TaoBao", "JingDong", "SenseTime", "OnePlus",
    }
)  # fmt: skip

# Capitalised words that commonly open a sentence in news prose: the evidence that "xxxYyy" lost a stop.
SENTENCE_STARTERS: frozenset[str] = _words(
    """
    A About According Additionally After Afterwards Again Against All Also Although Amid Among An
    Analysts And Another Any Anyway As At Because Before Besides Both But By Consequently Currently
    Despite During Each Earlier Either Even Eventually Every Experts Finally First Following For
    Furthermore Given He Hence Her Here His Historically However If In Indeed Initially Insiders
    Instead Interestingly Investors It Its Just Last Later Like Looking Many Meanwhile Moreover Most
    Much Nevertheless Next No Nonetheless Not Notably Now On Once One Only Or Other Others Our
    Overall Perhaps Previously Recently Reports Second Separately Shares She Shortly Similarly Since
    So Some Soon Sources Still Subsequently Such That The Their Then There Therefore These They
    Third This Those Though Thus To Today Two Ultimately Under Unlike Until We What When Where
    Whether Which While Who Why With Within Without Yet You
    """
)

# Words a sentence does not end with: a glue right after them is a lost space, not a lost stop.
NON_FINAL_WORDS: frozenset[str] = _words(
    """
    a about above after among an and are as at be been before being between but by can could did do
    does for from had has have her his if in into is its may might must my not of on onto or our
    over per should than that the their these this those to under until upon very via was were what
    when where which while who whose will with would your
    """
)

# Frequent English function words: enough of them in a text marks it as English.
ENGLISH_STOPWORDS: frozenset[str] = _words(
    """
    a about after all also an and are as at be been but by can for from had has have he her his i
    in into is it its more not of on one or our she so than that the their them there they this to
    was we were which who will with would you
    """
)

# Frequent German function words that English does not write: enough of them in a text marks it as German.
GERMAN_STOPWORDS: frozenset[str] = _words(
    """
    aber auch auf aus bei bis das dass dem den der des die durch ein eine einem einen einer eines er es
    für hat haben ich ist mit nach nicht noch nur oder sich sie sind über um und vom von vor war wird
    wurde wurden zu zum zur
    """
)

# The evidence `split_glued_sentences` weighs, strongest first. Sentence openers that never end a name
# either: "NowThis", "ServiceNow", "CapitalOne", "KnowHow", "DoctorWho", "BreakEven" show why "Now",
# "One", "How", "Who" and "Even" are not here.
CLOSED_OPENERS: frozenset[str] = _words(
    """
    The This These Those That It Its They Their He His She Her We Our There But And Although Though
    However Meanwhile Moreover Furthermore Nevertheless Nonetheless Therefore Thus Hence Additionally
    Consequently Subsequently Separately Similarly Notably Indeed Instead Overall Ultimately Initially
    Interestingly Eventually Finally Perhaps Previously Recently Currently Historically Shortly
    Afterwards Accordingly According Despite While Whether When Where Which Why If Because Since Until
    Unlike Amid Among After Before During Following Once Some Many Most Several Each Every Both
    Either Neither Nothing Everyone Everything Nobody Such Another Yesterday Tomorrow
    In On As At By So No An If It He We
    """
)

# Words a capitalised first half of a name can be ("YouTube", "NowThis", "OneDrive", "WeWork") but a
# sentence does not end with.
FUNCTION_WORDS: frozenset[str] = (
    NON_FINAL_WORDS
    | ENGLISH_STOPWORDS
    | _words("now you we my your our any all no not here there just only also so very every each some")
)

# After a word a program would name a function or a variable with, only a pronoun or an article opens a
# sentence: "useState", "findAll", "checkIn" are code, "useThe" is not.
PRONOUN_OPENERS: frozenset[str] = _words("The This These Those It Its They He She We However")

# Words that open news sentences as their subject: weaker than `CLOSED_OPENERS` (names end with them:
# "BlackRock" no, but "PlayStation", "NetEase" could), stronger than any common word.
NEWS_OPENERS: frozenset[str] = _words(
    """
    Officials Authorities Analysts Economists Investors Traders Shareholders Executives Regulators
    Lawmakers Legislators Prosecutors Police Investigators Researchers Scientists Engineers Developers
    Experts Critics Supporters Opponents Residents Citizens Voters Workers Employees Staff Customers
    Consumers Users Buyers Farmers Doctors Patients Students Teachers Parents People Protesters
    Witnesses Officers Leaders Members Negotiators Rivals Competitors Companies Banks Governments
    Sources Reports Data Figures Results Details Prices Sales Shares Stocks Markets Revenue Profit
    Profits Earnings Losses Demand Supply Exports Imports Output Production Growth Inflation Spending
    Investment Costs Orders Deliveries Shipments Talks Plans Efforts Concerns Questions Estimates
    Forecasts Surveys Studies Tests Trials Experiments Documents Records Filings Emails Messages
    Photos Videos Images Tickets Fees Rates Yields Bonds Funds Assets Deposits Loans Debt Tariffs
    Taxes Rules Regulations Laws Courts Judges Lawyers Attorneys Agencies Ministers Governors Mayors
    Fans Viewers Readers Listeners Visitors Travellers Travelers Passengers Drivers Owners
    Tenants Landlords Homeowners Builders Miners Producers Manufacturers Suppliers Retailers Sellers
    Vendors Partners Founders Employers Unions Troops Soldiers Rebels Militants Firefighters Rescuers
    Crews Volunteers Organisers Organizers Participants Delegates Observers Commentators Reporters
    Journalists Editors Bloggers Creators Influencers Artists Musicians Actors Athletes Players
    Coaches Teams Clubs Schools Universities Hospitals Cities Countries States Provinces Regions
    Production Construction Development Research Testing Training
    Chief President Chairman Chairwoman Minister Premier Governor Senator Mayor Director Spokesman
    Spokeswoman Spokesperson Professor Secretary Commissioner
    """
)

# Words a variable or function name starts with ("useState", "getItem", "maxTokens") or ends with
# ("userName", "pageSize", "localStorage"): a glue next to them needs a pronoun or an article after it.
CODE_PREFIXES: frozenset[str] = _words(
    """
    get set use fetch handle init load save read write parse find make build render compute calc
    validate create delete remove add append insert select show hide toggle enable disable apply
    convert emit dispatch subscribe push pop send invoke exec eval filter reduce map sort split join
    format print log sign login logout check opt plug built walk turn query local session max min
    num total item file api base is has can should did will on to off do new old my tmp temp btn msg
    ctx cfg conf src dst str obj arr idx err req res img elem el val var key
    """
)
CODE_SUFFIXES: frozenset[str] = _words(
    """
    Name Names Id Ids Key Keys Type Types Size Count Index Path Url Uri Info Config Options Opts Length
    Len Num Number Handler Listener Callback Item Items List Map Dict Array Str String Int Bool Obj
    Object Value Values Val Var Mode State Status Code Text Token Tokens Event Error Err Ref Node
    Element Flag Props Args Params Func Fn Hook Client Server Response Request Result Factory Manager
    Provider Controller Component Module Class Interface Helper Util Utils Prefix Suffix Field Button
    Click Change Submit Input Output Timeout Interval Buffer Stream Query Router Store Storage Context
    Reducer Action Effect Memo Frame Case Time Date Start End File Dir Folder Line Row Col Column
    Table Record Entry Set Get Child Children Parent Instance Attr Attribute
    """
)

# The first part of Scottish, Irish and other surnames ("MacArthur", "FitzGerald", "VanDyke").
NAME_PREFIXES: frozenset[str] = _words("Mac Mc Fitz Van Von Del Della Des Di De Da Du Dos Le La Les Ben Ap")

# The consonant pairs English words start with (and pinyin's "zh"): "Rxiv" of "bioRxiv" starts no word.
WORD_ONSETS: frozenset[str] = _words(
    "bl br ch cl cr dr dw fl fr gh gl gn gr kh kl kn kr ph pl pr ps qu rh sc sh sk sl sm sn sp sq st sw th"
    " tr ts tw wh wr zh"
)

# Capitalised words that end sentences as themselves, not as the first half of a name.
CALENDAR_WORDS: frozenset[str] = _words(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December
    """
)

# Common English words written in lowercase: the 5,000 most frequent words of pyspellchecker 0.9.1's
# English frequency list (MIT licence; counted on OpenSubtitles), keeping the letters-only ones of two
# letters or more that the web2 word list (public domain, as shipped in english-words 2.0.2, MIT)
# has in lowercase, alone or after taking off -s, -es, -ies, -ed, -d, -ing, -er, -ers, -ly: the
# filter drops names ("john", "texas"). Evidence that a capitalised part of a glued token is an
# ordinary word ("Investment"), or that a capitalised left part ("Soft", "Deep") is not a name.
COMMON_WORDS: frozenset[str] = _words(
    """
    abandon abandoned abducted ability able aboard about above absence absolute absolutely abuse accent
    accept accepted accepting access accident accidentally accompany accomplish accomplished according
    account accounts accurate accuse accused accusing achieve achieved acid acknowledge acquired across act
    acted acting action actions activate active activities activity actor actors actress acts actual
    actually ad add added adding addition additional address adjust admire admit admitted adopt adopted
    adore adult adults advance advanced advantage adventure advice advise advised affair affairs affect
    affected affects afford afraid after again against age agency agent agents ages aggressive ago agree
    agreed agreement ah ahead aid aim air aircraft airport alarm album alcohol alert alibi alien aliens
    alive all allergic alley alliance allies allow allowed allowing allows almost alone along alongside
    already alright also alter alternative although always am amateur amazing ambulance among amongst amount
    amounts an analysis ancestors ancient and angel angels anger angle angry animal animals anniversary
    announce announced announcement annoying annual anonymous another answer answered answering answers
    anxious any anybody anyone anything anyway anywhere apart apartment apologize apology apparently appeal
    appear appearance appeared appears applause apple application applied apply appointed appointment
    appreciate approach approached approaching appropriate approve approved approximately are area areas
    argue arguing argument arm armed armies arms army around arrange arranged arrangement arrangements
    arrest arrested arresting arrival arrive arrived arrives arriving arrogant arrow art article artificial
    artist artists arts as ashamed ashes aside ask asked asking asks asleep ass assault asses assigned
    assignment assist assistance assistant associate associated assume assumed assuming assure assured at
    ate atmosphere atomic attached attack attacked attacking attacks attempt attempted attempting attempts
    attend attending attention attitude attorney attract attracted attractive auction audience audition aunt
    author authorities authority authorized automatic autopsy available avenge average avoid avoiding await
    awaiting awaits awake award aware away awesome awful awfully awkward babies baby bachelor back backed
    background backing backs backup backwards bad badge badly bag bags bail bake baked balance bald ball
    balls banana band bang banging bank banks bar bare barely bargain barking barn barrel bars base baseball
    based basement basic basically basis basket basketball bastard bastards bat bath bathroom battery battle
    bay be beach beam beans bear bearing bears beast beat beaten beating beats beautiful beauty because
    become becomes becoming bed bedroom beef been beer before beg begging begin beginning begins begun
    behalf behave behaving behavior behind being beings belief believe believed believes believing bell
    bells belly belong belonged belongs beloved below belt bend beneath benefit benefits bent beside besides
    best bet betray betrayed better betting between beyond bid big bigger biggest bike bill billion billions
    bills billy biological bird birds birth birthday bit bitch bitches bite bits bitter black blackmail
    blade blame blamed blaming blank blanket blast bleed bleeding blend bless blessed blessing blind block
    blocked blocking blocks bloke blonde blood bloody blow blowing blown blows blue blues board boarding
    boat boats bodies body bold bomb bombing bombs bond bone bones book booked books boom boot boots booze
    border bore bored boring born borrow borrowed boss both bother bothered bothering bothers bottle bottles
    bottom bought bounce bound bounty bow bowl bowling boxing boy boys brain brains branch brand brass brave
    breach bread break breakfast breaking breaks breast breasts breath breathe breathing breeze bribe brick
    bride bridge brief bright brilliant bring bringing brings broad broadcast broke broken brother brothers
    brought brown brush brutal bubble buck bucket bucks buddies buddy budget bug bugs build building
    buildings built bull bullet bullets bully bum bump bumped bunch burden buried burn burned burning burns
    burnt burst bury bus business bust busted busting busy but butt butter button buy buying buys buzz by
    bye cab cabin cable cage cake call called calling calls calm came camera cameras camp campaign camping
    campus can cancel canceled cancer candidate candle candy cannot cap capable capacity capital captain
    capture captured car carbon card cards care cared career careful carefully cares cargo caring carpet
    carried carries carry carrying cars cart carved case cases cash casino cast castle cat catch catches
    catching cats cattle caught cause caused causes causing cave cease ceiling celebrate celebrating
    celebration celebrity cell cells center central cents centuries century ceremony certain certainly chain
    chair chairman challenge chamber champagne champion chance chances change changed changes changing
    channel chaos chapter character characters charge charged charges charging charity charm charming chase
    chased chasing chat chatter chattering cheap cheat cheated cheating check checked checking checks cheer
    cheering cheers cheese chef chemical cherry chess chest chew chewing chick chicken chicks chief child
    childhood children chill chip chips chocolate choice choices choke choose choosing chop chopped chose
    chosen chuckles church cigarette cigarettes circle circumstances circus cities citizen citizens city
    civil civilian civilians civilization claim claimed claiming claims clan class classes classic
    classified clean cleaned cleaning clear clearance cleared clearing clearly clears clever clicks client
    clients climate climb climbed climbing clinic clock close closed closely closer closes closet closing
    clothes clothing cloud clouds clown club clue clues coach coal coast coat cocaine cock cocktail code
    codes coffee coin coincidence coke cold collapse collar colleague colleagues collect collected
    collecting collection college colonel color colored colors combat combination combined come comedy comes
    comfort comfortable comic coming command commander commanding comment commercial commission commit
    commitment committee common communicate communication communications community companies company compare
    compared compete competition complain complaining complaint complete completed completely complex
    complicated compound compromise computer computers con concentrate concentration concept concern
    concerned concerning concerns concert conclusion concrete condemned condition conditions conduct
    conference confess confessed confession confidence confident confirm confirmation confirmed conflict
    confront confuse confused confusing congratulate congratulations connect connected connection
    connections conquer conscience conscious consequences consider considerable considered considering
    consistent conspiracy constant constantly construction consult contact contacted contacts contain
    contained contains content contest continue continued continues continuing contract control controls
    conversation conversations convicted convince convinced convincing cook cooked cookies cooking cool
    cooperate cop copies copper cops copy core corn corner corporate corpse correct corrected corrupt cos
    cost costs costume cotton couch could council counsel count counted counter counting countless countries
    country counts county couple couples courage course court courtesy cousin cover covered covering covers
    cow coward cowboy cows crack cracked cracking crap crash crashed crashing crawl crawling crazy cream
    create created creates creating creation creative creature creatures credit creep creepy crew cried
    crime crimes criminal criminals crisis critical cross crossed crossing crowd crowded crown crucial cruel
    cruise crush crushed cry crying crystal cultural culture cup cure curious current currently curse cursed
    custody customer customers customs cut cute cuts cutting cycle dad daddy daily damage damaged damn
    damned dance danced dancing danger dangerous dare dared dark darkness darling darn data date dated dates
    dating daughter daughters dawn day days de dead deadly deaf deal dealer dealing deals dealt dear death
    deaths debate debt decent decide decided decides decision decisions deck declare declared dedicated deed
    deep deeper deeply deer defeat defeated defend defendant defending defense defensive define definitely
    definition degree degrees delay deliberately delicate delicious delighted deliver delivered delivering
    delivery demand demanding demands democratic demon demons dental deny denying department depend
    depending depends deposit depressed depth deputy describe described description desert deserted deserve
    deserved deserves design designed desire desk desperate desperately despise despite destined destiny
    destroy destroyed destroying destruction detail detailed details detect detective detectives determine
    determined develop developed developing development device devil devoted dial diamond diamonds dick did
    die died dies diet difference different difficult difficulty dig digging digital dignity dime dining
    dinner diplomatic direct directed direction directly director dirt dirty disappear disappeared
    disappoint disappointed disaster discover discovered discovery discuss discussed discussing discussion
    disease disgrace disgusting dish dishes display distance distant distract distracted distress district
    disturb disturbed disturbing ditch dive divide divided divine division divorce divorced do doctor
    doctors document documents does dog dogs doing doll dollar dollars domestic don done door doors dope
    dose double doubt doubts down downstairs downtown dozen dozens draft drag dragged dragging dragon drain
    drama dramatic drank draw drawing drawn dreadful dream dreamed dreaming dreams dress dressed dresses
    dressing drew dried drill drink drinking drinks drive driven driver drives driving drop dropping drops
    drove drown drowned drowning drug drugs drum drunk drunken dry duck dude dudes due dug dull dumb dump
    dumped during dust duties duty dying each eager ear early earn earned ears earth ease easier easily east
    eastern easy eat eaten eating eats economic economy edge editor educated education effect effective
    effects effort efforts egg eggs eight eighth either elder elected election electric electrical
    electricity electronic element elements elephant elevator eleven eliminate else embarrass embarrassed
    embarrassing embrace emergency emotion emotional emotionally emotions emperor empire employee employees
    empty en encounter encourage end ended ending endless ends endure enemies enemy energy enforcement
    engage engaged engagement engine engineer engineering engines enjoy enjoyed enjoying enormous enough
    ensure enter entered entering entertain entertainment entire entirely entitled entrance entry envelope
    environment environmental envy episode equal equally equals equipment era erase error escape escaped
    escort especially essential essentially establish established estate eternal evacuate even evening event
    events eventually ever every everybody everyday everyone everything everywhere evidence evil ex exact
    exactly exam examine examined example excellent except exchange excited excitement exciting exclusive
    excuse execute executed execution executive exercise exist existence exists exit exotic expand expect
    expected expecting expensive experience experienced experiencing experiment experiments expert experts
    explain explained explaining explains explanation explore explosion explosive expose exposed express
    expression extend extended extra extraordinary extreme extremely eye eyes fabulous face faced faces
    facial facility facing fact factor factory facts fail failed failing failure fair fairly fairy faith
    faithful fake fall fallen falling falls false fame familiar families family famous fan fancy fans
    fantastic fantasy far farewell farm farmer farmers fascinating fashion fast faster fat fatal fate father
    fathers fault favor favorite fear feared fears feast fed federal feds fee feed feeding feeds feel
    feeling feelings feels fell fellow fellows felt female fence festival fetch fever few fewer field fields
    fifteen fifth fifty fight fighter fighters fighting fights figure figured figures figuring file filed
    files fill filled filling film filming films filthy final finally financial find finding finds fine
    finger fingerprints fingers finish finished finishing fire fired fires firing firm first fish fishing
    fist fit fits fitting five fix fixed fixing flag flame flames flash flat fled fleet flesh flew flight
    flip flirting float floating flood floor flow flower flowers flowing flown fluid flush fly flying focus
    focused fold folk folks follow followed following follows fond food fool fooled fooling foolish fools
    foot footage football for forbid forbidden force forced forces forcing foreign forensic forensics forest
    forever forged forget forgetting forgive forgot forgotten form formal formed former forms forth
    fortunate fortune forty forward foster fought foul found foundation four fourth fox frame freak freaked
    freaking free freed freedom freeze freezing frequency fresh fried friend friendly friends friendship
    frighten frightened from front frozen fruit fry fuel fulfill full fully fun function fund funds funeral
    funny fur furniture further fuss future gain gained galaxy gambling game games gang garage garbage
    garden gas gasping gasps gate gates gather gathered gathering gave gay gear general generally generation
    generations generous genetic genius gentle gentleman gently genuine german germans get gets getting
    ghost ghosts giant gift gifts girl girls give given gives giving glad glass glasses global glorious
    glory glove gloves go goal goat god gods goes going gold golden golf gone good goodness goods goose
    gorgeous got gotten government governor grab grace grade graduate graduated grain grand grandfather
    grandma grandmother grandpa grant granted grass grateful grave gravity gray great greater greatly green
    greet grew grey grid grief grip groaning groans grocery gross ground grounds group groups grow growing
    growling grown grows growth grunting grunts guarantee guaranteed guard guardian guarding guards guess
    guessed guessing guest guests guidance guide guilt guilty guitar gum gun guns gunshot gut guts guy guys
    gym ha habit hack hacked had hail hair hairy half halfway hall hammer hand handed handful handing handle
    handled handling hands handsome hanging happen happened happening happens happier happiest happily
    happiness happy hard harder hardly harm harsh harvest hat hate hated hates hath hatred haul haunted have
    having he head headed heading headquarters heads heal healing health healthy hear heard hearing hears
    heart hearts heat heaven heavens heavily heavy heck heels height heir helicopter hell hello helmet help
    helped helpful helping helpless helps her here hereby hero heroes heroin hers herself hesitate hey hi
    hid hidden hide hiding high higher highest highly highway hill hills him himself hip hire hired hiring
    his historical history hit hits ho hockey hold holding holds hole holes holiday holy home homeless homes
    homework homicide honest honestly honey honeymoon honor honorable honored hood hook hooked hop hope
    hoped hopefully hopes hoping horn horrible horror horse horses hospital host hostage hostages hostile
    hot hotel hour hours house household houses how however hug huge huh human humanity humans humble
    hundred hundreds hung hunger hungry hunt hunted hunter hunting hurry hurt hurting hurts husband ice idea
    ideal ideas identical identify identity idiot idiots if ignorant ignore ignored ignoring ill illegal
    illness image images imagination imagine imagined imagining immediate immediately immune impact
    importance important impossible impress impressed impression impressive improve in inch inches incident
    include included includes including income incoming increase increased incredible incredibly indeed
    independent indicate indicates individual industrial industry infected infection infinite influence
    inform information informed inherited initial injured injuries injury inner innocent insane inside
    insist insisted inspector inspired instant instead instinct instructions instrument instrumental insult
    insulted insurance intelligence intelligent intend intended intense intent intention intentions interest
    interested interesting interests interfere internal international interrupt interrupting interview
    interviewed intimate into introduce introduced invasion invent invented invest invested investigate
    investigating investigation investment invisible invitation invite invited inviting involve involved
    involves involving iron is island isolated issue issued issues it item items its itself jack jacket jail
    jam jazz jealous jerk jet jewelry job jobs join joined joining joint joke jokes joking jolly journey joy
    judge judges judging judgment juice jump jumped jumping jungle junior junk jury just justice justify
    keen keep keeping keeps kept key keys kick kicked kicking kicks kid kidnap kidney kids kill killed
    killer killers killing kills kilometers kind kindly kindness kinds king kingdom kings kiss kissed kisses
    kissing kitchen knee knees knew knife knight knock knocked knocking know knowing knowledge known knows
    la lab label labor lack ladies lady laid lake lamb lame lamp land landed landing lands language lap
    large larger laser last lasted late lately later latest laugh laughed laughing laughs laughter launch
    launched laundry law laws lawyer lawyers lay laying lazy lead leader leaders leadership leading leads
    league leak lean leap learn learned learning learnt least leather leave leaves leaving lecture led left
    leg legal legally legend legendary legitimate legs lemon lend length less lesson lessons let lethal lets
    letter letters level levels liar liberty library license lick lie lied lies lieutenant life lifetime
    lift lifted light lighter lighting lightning lights like liked likely likes liking lily limit limited
    limits line lined lines link linked lion lip lips liquid liquor list listed listen listened listening
    lit literally little live lived liver lives living load loaded loading loads loan local locate located
    location lock locked locker locking locks log logic logical lonely long longer look looked looking looks
    loose loosen lord lose loser loses losing loss lost lot lots loud lousy love loved lovely lover lovers
    loves loving low lower loyal loyalty luck lucky luggage lunch lungs lure lust luxury lying ma machine
    machines mad madam made magazine magic magical magnetic magnificent maid mail main mainly maintain
    maintenance major majority make makes making male mall man manage managed management manager managing
    mankind manner manual many map march marching mark marked market marks marriage married marry marrying
    martial mask mass massage massive master masters match matches matching mate material math matter
    matters mature maximum may maybe mayor me meal meals mean meaning means meant measure meat mechanical
    medal media medical medication medicine meet meeting meetings meets melt member members memories memory
    men mental mentally mention mentioned mercy mere merely merry mess message messages messed messing met
    metal meters method methods middle midnight might mighty mike mile miles military milk million millions
    mind minds mine minimum minister minor minus minute minutes miracle mirror miserable misery miss missed
    misses missile missiles missing mission mistake mistakes mistress mix mixed mob mobile mock model models
    modern mole moment moments mommy money monitor monitoring monkey monster monsters month months mood moon
    moral more morning mortal most mostly motel mother mothers motion motive motor motorcycle mountain
    mountains mouse mouth move moved movement moves movie movies moving much mud multiple mum murder
    murdered murderer murdering murders muscle muscles museum music musical must mutual my myself mysterious
    mystery na nail nailed nails naked name named names narrow nasty nation national nations native natural
    naturally nature naughty naval near nearby nearest nearly necessarily necessary neck necklace need
    needed needing needle needs negative negotiate neighbor neighborhood neighbors neither nephew nerve
    nerves nervous nest net network never new news newspaper newspapers next ni nice nicely nicer niece
    nigger night nightmare nights nine no noble nobody noise none nonsense noon nor normal normally north
    northern nose not note notes nothing notice noticed notify notion novel now nowhere nuclear number
    numbers nurse nurses nursing nut nuts oath obey object objective objects obliged observe obsessed
    obvious obviously occasion occur ocean odd odds of off offend offended offer offered offering offers
    office officer officers official officially officials often oh oil old older on once one ones only onto
    open opened opening opens opera operate operating operation operations opinion opportunity opposed
    opposite option options or orange orbit order ordered ordering orders ordinary organ organic
    organization organize organized organs original originally other others otherwise ought our ours
    ourselves out outer outfit outside outstanding over overcome owe owed owes own owned owner owners owns
    oxygen pack package packed packing page pages pain painful paint painted painting paintings pair pal
    palace pale palm panic panting pants papa paper papers parade paradise paranoid pardon parent parents
    park parked parking parole part partial particular particularly parties partner partners parts party
    pass passage passed passenger passengers passes passing passion passionate passport past patch path
    pathetic paths patience patient patients patrol pattern patterns pay paying payment pays peace peaceful
    peanut pee pen penalty penis penny people per percent perfect perfectly perform performance performed
    performing perhaps perimeter period permanent permission permit person personal personality personally
    personnel persons persuade pet petty phase phone phoned phones photo photograph photographs photos
    phrase physical physically physics piano pick picked picking picks picture pictures pie piece pieces pig
    pigs pile pill pillow pills pilot pilots pin pinch pink pipe pirate piss pissed pissing pistol pit pitch
    pity pizza place placed places plague plain plan plane planes planet planets plans plant planted plants
    plastic plate plates platform play played player players playing plays plead pleasant please pleased
    pleasure pledge plenty plot plug plus pocket pockets poem poetry point pointed pointing points poison
    poisoned poke poker police policeman policy polish polite political politicians politics pool poor pop
    pops popular population pork port pose position positions positive possess possessed possession
    possibility possible possibly post posted pot potato potential potentially pound pounds pour poured
    pouring powder power powerful powers practical practically practice practicing praise pray prayed prayer
    prayers praying precious precise precisely predict prefer preferred pregnant preliminary prep prepare
    prepared preparing prescription presence present presented presents preserve president presidential
    press pressed pressing pressure presume pretend pretended pretending pretty prevent previous previously
    prey price prices prick pride priest primary prime primitive prince princess principal principle print
    printed prints prior priority prison prisoner prisoners privacy private privilege prize pro probably
    problem problems procedure proceed process produce produced producer product production professional
    professor profile profit program progress project promise promised promises promising promotion
    pronounce proof proper properly property proposal propose proposed prosecution prosecutor protect
    protected protecting protection protective protest protocol prove proved proven proves provide provided
    providing proving psych psychiatric psychic psychological public publish published pull pulled pulling
    pulls pulse pump punch punched punish punished punishment punk puppy purchase pure purely purple purpose
    purse pursue pursuit push pushed pushing pussy put puts putting qualified quality quantum quarter
    quarters queen quest question questioned questioning questions quick quicker quickly quiet quietly quit
    quite quote rabbit race racing radar radiation radical radio rage raid railroad rain raining raise
    raised raising rally ran ranch random rang range rank ransom rap rape raped rare rarely rat rate rather
    rats raw ray re reach reached reaches reaching react reaction read reading reads ready real reality
    realize realized really rear reason reasonable reasons rebel rebels rebuild recall receive received
    receiving recent recently reception reckon recognize recognized recommend recommended record recorded
    recording records recover recovered recovery red reduce reduced refer reference reflect refuse refused
    refuses refusing regard regarding regardless regards region register registered regret regular rehearsal
    reject rejected related relations relationship relationships relative relatives relax release released
    reliable relief relieve relieved religion religious rely remain remained remaining remains remarkable
    remember remembered remembering remembers remind reminded reminds remote remove removed rendezvous rent
    rented repair repay repeat repeating replace replaced report reported reporter reporters reporting
    reports represent representative representing represents reputation request requested requesting require
    required requires rescue rescued research reserve resident residents resist resistance resolve resources
    respect respectable respected respects respond response responsibility responsible rest restaurant
    resting restore result results resume retire retired retirement retreat retrieve return returned
    returning returns reveal revealed revenge reverse review revolution reward rhythm rice rich rid ride
    rides ridiculous riding rifle rig right righteous rights ring ringing rings rip rise rising risk risked
    risking risks ritual river road roads roast rob robbery robbing robot rock rocket rocks rode role roll
    rolled rolling rolls romance romantic roof room roommate rooms root roots rope rose roses rot rotten
    rough round rounds route routine row royal rub rubber rude ruin ruined ruining ruins rule ruled rules
    rumor rumors run running runs rush rushed rushing sack sacred sacrifice sacrificed sad safe safely safer
    safety said sail sailing saint sake salad salary sale sales salt salute same sample samples sand
    sandwich sang sat satellite satisfied satisfy sauce save saved saves saving savings saw say saying says
    scale scan scar scare scared scares scaring scary scattered scene scenes scent schedule scheduled scheme
    school schools science scientific scientist scientists score scored scout scratch scream screaming
    screams screen screw screwed screwing script scum sea seal sealed search searched searching season seat
    seats second secondary seconds secret secretary secretly secrets section sector secure secured security
    see seed seeds seeing seek seeking seem seemed seems seen sees seize seized select selected self selfish
    sell selling sells senator send sending sends senior sense senses sensitive sensors sent sentence
    sentenced sentimental separate separated sequence sergeant serial series serious seriously servant
    servants serve served serves service services serving session set sets setting settle settled seven
    seventh several severe sex sexual sexually sexy shadow shadows shake shaking shall shame shape share
    shared shares sharing shark sharp shave she shed sheep sheer sheet sheets shell shelter sheriff shield
    shields shift shine shining shiny ship shipment shipped shipping ships shirt shock shocked shoe shoes
    shook shoot shooter shooting shoots shop shopping shore short shortly shot shots should shoulder
    shoulders shout shouting shove show showed shower showing shown shows shrink shut shutting shuttle shy
    sick sickness side sides sighs sight sign signal signals signature signed significant signing signs
    silence silent silk silly silver similar simple simply sin since sing singer singing single sings sink
    sins sir sister sisters sit site sits sitting situation six sixth size ski skies skill skills skin
    skinny skip skull sky slap slave slaves sleep sleeping sleeps slept slice slide slight slightly slip
    slipped slit slow slowly smack small smaller smart smarter smash smashed smell smelled smells smile
    smiling smoke smoked smoking smooth snake snap sneak sneaking snow snuck so soap sobbing sober soccer
    social society socks soda soft software soil solar sold soldier soldiers sole solid solo solution solve
    solved some somebody someday somehow someone someplace something sometime sometimes somewhat somewhere
    son song songs sons soon sooner sophisticated sore sorrow sorry sort sorts sought soul souls sound
    sounded sounds soup source sources south southern soviet space spare spared spark speak speaking speaks
    special species specific specifically speech speed spell spend spending spends spent sperm spider spill
    spilled spin spinning spirit spirits spiritual spit spite split spoil spoiled spoke spoken sport sports
    spot spots spotted spray spread spreading spring spy spying squad square squeeze stab stable stack staff
    stage stairs stake stalking stall stamp stand standard standing stands star stare staring stars start
    started starting starts starve starving state statement states station stations statue status stay
    stayed staying stays steady steak steal stealing steam steel steer step stepped stepping steps stick
    sticking sticks stiff still sting stink stinking stir stock stole stolen stomach stone stones stood stop
    stopped stopping stops storage store stores stories storm story straight straighten strain strange
    stranger strangers strategy stray stream street streets strength stress stretch strict strictly strike
    strikes string strings strip stroke strong stronger strongly struck structure struggle struggling
    stubborn stuck student students studied studies studio study studying stuff stuffed stunt stupid style
    subject subjects submit substance subtitles subway succeed success successful such suck sucked sucker
    sucking sucks sudden suddenly sue suffer suffered suffering sugar suggest suggested suggesting suggests
    suicide suit suitable suitcase suite suits sum summer summon summoned sun sunny sunshine super superior
    supper supplies supply support supported supporting suppose supposed supposedly sure surely surface
    surgeon surgery surgical surprise surprised surprising surrender surrounded surrounding surveillance
    survival survive survived survivors suspect suspected suspects suspended suspicion suspicious swallow
    swallowed swear sweat sweep sweet swell swept swim swimming swing swinging swiss switch switched sword
    swore sworn symbol sympathy symptoms system systems table tables tactical tag tail take taken takes
    taking tale talent talented tales talk talked talking talks tall tank tanks tap tape tapes target
    targeting targets task taste tasted tastes tattoo taught tax taxes taxi tea teach teacher teachers
    teaches teaching team teams tear tearing tears technical technically technique technology teenage teeth
    telephone television tell telling tells temper temperature temple temporary ten tend tender tennis
    tension tent term terms terrible terribly terrific territory terror terrorist terrorists test tested
    testify testimony testing tests text than thank thankful thanks that the theater thee theft their them
    theme themselves then theory therapy there therefore these they thick thief thieves thin thing things
    think thinking thinks third thirty this those thou though thought thoughts thousand thousands threat
    threaten threatened threatening threats three threw thrill thrilled throat throne through throughout
    throw throwing thrown throws thumb thunder thus thy ticket tickets tide tie tied ties tiger tight till
    time times timing tin tiny tip tipped tips tire tired tires tissue title tits to toast today toe toes
    together toilet told tolerate tomorrow ton tone tongue tonight tons too took tool tools tooth top tore
    torn torture tortured toss tossed total totally touch touched touches touching tough tour toward towards
    towel tower town toxic toy toys trace traced traces track tracked tracking tracks trade traded trading
    tradition traditional traffic tragedy tragic trail trailer train trained training trains traitor
    transfer transferred translate transmission transport trap trapped trash trauma travel traveled
    traveling travels treasure treat treated treating treatment treats tree trees tremendous trial tribe
    trick tricked tricks tricky tried tries trigger triggered trip triple troops trouble troubled troubles
    truck trucks true truly trunk trust trusted trusting trusts truth try trying tube tune tunnel turkey
    turn turned turning turns twelve twenty twice twin twins twist twisted two type types typical ugly
    ultimate ultimately um unable uncle uncomfortable unconscious under undercover underestimate underground
    underneath understand understanding understands understood underwear undo unexpected unfair unfortunate
    unfortunately unhappy uniform union unique unit united units universe university unknown unless unlike
    unlikely unlock unpleasant until unto unusual up update upon upper upset upside upstairs urge urgent us
    use used useful useless uses usual usually utter utterly vacation valley valuable value values vampire
    vampires van various vast vault vehicle vehicles verify version versus very vessel via vice vicious
    victim victims victory video view village violation violence violent virgin virtually virus visible
    vision visit visited visiting visitors visits visual vital vodka voice voices volume volunteer vote
    voted votes voting vow vulnerable wagon wait waited waiting waits wake wakes waking walk walked walking
    walks wall wallet walls wander wandering want wanted wanting wants war ward warehouse warm warn warned
    warning warp warrant warrior warriors wars was wash washed washing waste wasted wasting watch watched
    watches watching water waters wave waves waving way ways we weak weakness wealth wealthy weapon weapons
    wear wearing wears weather web wedding wee weed week weekend weeks weigh weight weird welcome well went
    were west western wet whack whale what whatever wheel wheels when whenever where whereabouts wherever
    whether which while whip whiskey whisper whispering whistle white who whoa whoever whole whom whore
    whose why wicked wide widow wife wild will willing win wind window windows winds wine wing wings winner
    winning wins winter wipe wiped wire wired wisdom wise wish wished wishes wishing witch with withdraw
    within without witness witnessed witnesses wives woke wolf wolves woman won wonder wondered wonderful
    wondering wonders wood wooden woods word words wore work worked worker workers working works world
    worlds worm worn worried worries worry worrying worse worship worst worth worthless worthy would wound
    wounded wounds wrap wrapped wreck wretched write writer writes writing written wrong wrote ya yard yards
    ye yeah year years yell yelled yelling yellow yes yesterday yet yo you young younger your yours yourself
    youth zero zombie zone
    """
)

# Chinese, Japanese and Korean page furniture: ad markers, follow/scan/share prompts, "read the original",
# reprint bans. A line is dropped only when it IS one of these (after its brackets, punctuation and
# spaces are taken off: "【广告】", "— 広告 —", "무단전재 및 재배포금지" all count), so "广告" inside a
# sentence about the ad market stays. Compared without spaces, as NFKC and case-folded text.
CJK_PROMPT_LINES: frozenset[str] = frozenset(
    """
    广告 广告位 推广 赞助 赞助内容 商业推广 品牌推广 软文 特别推荐 推荐 热门推荐 猜你喜欢 为你推荐
    点击关注 关注我们 欢迎关注 点击上方关注 点击上方蓝字关注我们 关注公众号 点击关注不迷路
    扫码关注 扫码下载 扫一扫 扫描二维码 扫码阅读 长按识别二维码 长按二维码关注 长按识别二维码关注
    点击阅读原文 阅读原文 查看原文 点击查看原文 展开全文 点击展开全文 查看更多 点击查看更多
    返回搜狐查看更多 分享 分享到 分享至 点赞 在看 收藏 转发 评论 下载客户端 打开app 打开app阅读
    app内打开 未经授权不得转载 未经授权禁止转载 未经许可不得转载 禁止转载 版权所有 版权所有翻版必究
    版权所有侵权必究 本文禁止转载 转载请注明出处 相关阅读 相关新闻 推荐阅读 延伸阅读 热点推荐
    更多精彩 精彩推荐 往期回顾 往期推荐 上一篇 下一篇 返回顶部 回到顶部 打印 关闭 纠错 完 全文完
    查看大图 点击查看大图 点击图片查看大图 视频加载中 视频加载中请稍候 图集 进入图集 手机看新闻 责编推荐
    廣告 推廣 點擊關注 關注我們 掃碼關注 長按識別二維碼 點擊閱讀原文 閱讀原文 展開全文
    未經授權不得轉載 版權所有 相關閱讀 相關新聞 推薦閱讀 延伸閱讀
    広告 スポンサーリンク pr 関連記事 関連ニュース 関連リンク あわせて読みたい おすすめ記事
    続きを読む 記事を読む 記事の続きを読む 続きはこちら 次のページ 前のページ 会員登録 無料会員登録
    この記事をシェア シェア ツイート ブックマーク 印刷 無断転載禁止 無断転載を禁じます
    無断転載・複製を禁じます 記事・写真の無断転載を禁じます
    写真を見る 画像を見る この記事の写真を見る この記事の画像を見る 全ての写真を見る 会員限定記事
    有料会員限定記事 この記事は会員限定です 無料で読める
    광고 관련기사 관련뉴스 많이본뉴스 추천기사 기사더보기 더보기 구독 좋아요 공유 공유하기
    기사공유 스크랩 인쇄 글자크기 무단전재및재배포금지 무단전재재배포금지 무단전재·재배포금지
    무단전재-재배포금지 무단전재및재배포금지ai학습이용금지 무단전재재배포및ai학습이용금지
    무단전재-재배포,ai학습및활용금지
    사진확대 이미지확대 이미지확대보기 기사공유 url복사 카카오톡공유 페이스북공유 트위터공유 네이버블로그공유
    기사스크랩 기사저장 본문글자크기 프린트
    """.split()  # noqa: SIM905
)

# Labels whose whole line is furniture when the label opens it, followed by a colon or bracketed:
# "免责声明:…", "【版权声明】…", "原标题:…", "関連記事:…", "기자 연락처: …" (full-width colons too).
# Such lines can be long (a disclaimer), so they are matched by their opening, never by a word inside.
CJK_PROMPT_LABELS: tuple[str, ...] = (
    "免责声明", "版权声明", "特别声明", "郑重声明", "声明", "原标题", "原文标题", "相关阅读", "相关新闻",
    "免責聲明", "版權聲明", "原標題", "相關閱讀", "相關新聞", "延伸閱讀", "推薦閱讀", "廣告",
    "推荐阅读", "延伸阅读", "相关链接", "热点推荐", "广告", "推广", "阅读原文", "原文链接", "转载声明",
    "関連記事", "関連ニュース", "関連リンク", "著作権", "広告",
    "관련기사", "관련 기사", "관련뉴스", "기자 연락처", "기자연락처", "제보", "광고",
)  # fmt: skip

# Prompts that open a short line and carry on with their pitch: "点击关注, 获取更多科技资讯",
# "欢迎关注我们的公众号" (full-width commas too). Only a line that opens with one, is short and does not
# end as a sentence does ("扫码支付已经普及。" stays).
CJK_PROMPT_OPENINGS: tuple[str, ...] = (
    "点击关注", "欢迎关注", "关注我们", "关注公众号", "扫码关注", "扫码下载", "扫一扫", "长按识别",
    "长按二维码", "点击阅读", "点击查看", "点击下载", "下载客户端", "欢迎下载", "戳这里", "点这里",
    "フォローする",
    "チャンネル登録",
    "구독하기", "구독 신청", "좋아요와 구독",
)  # fmt: skip

# Phrases that make a short line furniture wherever they stand in it: reprint bans and copyright notices
# ("© 新华网 版权所有", "<저작권자 ⓒ 연합뉴스, 무단 전재-재배포 금지>"). News prose does not say them; a
# line must also be short (see `boilerplate.FURNITURE_MAX_CHARS`). Compared without spaces or punctuation.
CJK_FURNITURE_PHRASES: tuple[str, ...] = (
    "未经授权不得转载", "未经授权禁止转载", "未经许可不得转载", "未经许可,不得转载", "未经授权,不得转载",
    "版权所有", "转载请注明", "禁止转载", "长按识别二维码", "扫码关注", "点击阅读原文",
    "未經授權不得轉載", "版權所有", "轉載請註明", "禁止轉載",
    "無断転載を禁", "無断転載禁止", "無断複製", "©",
    "무단전재", "무단 전재", "재배포 금지", "재배포금지", "저작권자",
)  # fmt: skip


# Letters re's IGNORECASE takes for ASCII ones that str.lower() keeps apart: dotted capital I and dotless
# i ("i"), long s ("s"). Whoever lowers a text to match a case-insensitive pattern's words faster must
# leave a text holding one to the pattern itself (transform.facts.Lowered), and read a word the pattern
# matched through this table (the Kelvin sign lowers to "k", as re reads it).
RE_READS_AS_ASCII: dict[str, str] = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}
_AS_RE_READS = str.maketrans(RE_READS_AS_ASCII)


def lowered_as_re_reads(word: str) -> str:
    """`word` lowered as re's IGNORECASE reads it: "u\u017fd" (long s) is "usd", "\u017fept" is "sept",
    where lower() keeps the long s (`RE_READS_AS_ASCII`)."""
    return word.translate(_AS_RE_READS).lower()
